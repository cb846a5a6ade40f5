package io.safelock.chaos.cluster;

import io.safelock.demo.local.LockNodes;
import io.safelock.demo.local.Ports;
import io.safelock.testsupport.FreePorts;
import io.safelock.testsupport.RabbitMqServer;
import io.safelock.testsupport.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The whole system on this machine: lock nodes (redis-server, AOF fsync always, each with a clock that
 * the nemesis can move through {@link ClockShift}), replicas of both packaged services, and the suite's own PostgreSQL, RabbitMQ
 * and counter data Redis. With namespaces every lock node and replica has its own namespace and address on
 * the suite's bridge; the shared servers are reached through the root namespace's bridge address.
 * {@link #close()} stops everything it started, by PID, and removes the namespaces.
 */
public final class Cluster implements AutoCloseable {

    private static final int LOCK_PORT = 6400;
    private static final int SERVICE_PORT = 8080;

    private final ClusterSpec spec;
    private final Consumer<String> say;
    private Network network;
    private final List<LockNode> lockNodes = new ArrayList<>();
    private final List<Replica> inventory = new ArrayList<>();
    private final List<Replica> counter = new ArrayList<>();
    private Postgres postgres;
    private RabbitMqServer rabbit;
    private CompletableFuture<RabbitMqServer> brokerStart;
    private Forwarder rabbitForwarder;
    private Managed counterRedis;

    /** A lock node, where it listens, and the file its clock offset is read from. */
    public record LockNode(Managed process, String address, int port, Path clockOffset) {
        public Host host() {
            return process.host();
        }

        public String name() {
            return process.name();
        }

        public String uri() {
            return "redis://" + address + ":" + port;
        }
    }

    /** A service replica; {@code url} as the suite reaches it. */
    public record Replica(Managed process, String url) {
        public String name() {
            return process.name();
        }

        public Host host() {
            return process.host();
        }
    }

    public Cluster(ClusterSpec spec, Consumer<String> say) {
        this.spec = spec;
        this.say = say;
    }

    public boolean namespaces() {
        return network != null;
    }

    public Network network() {
        return network;
    }

    public List<LockNode> lockNodes() {
        return lockNodes;
    }

    public List<Replica> inventory() {
        return inventory;
    }

    public List<Replica> counter() {
        return counter;
    }

    public Postgres postgres() {
        return postgres;
    }

    public RabbitMqServer rabbit() {
        return rabbit;
    }

    public void start() {
        try {
            Files.createDirectories(spec.runDir().resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (spec.namespaces()) {
            network = Network.create(say);
        }
        String shared = network == null ? "127.0.0.1" : Network.rootAddress();
        List<String> listen = network == null ? List.of("127.0.0.1") : List.of("127.0.0.1", Network.rootAddress());

        brokerStart = CompletableFuture.supplyAsync(RabbitMqServer::start);
        postgres = Postgres.create(spec.runDir(), FreePorts.one(), listen);
        postgres.process().launch();
        int counterRedisPort = FreePorts.one();
        List<String> redisCommand = new ArrayList<>(List.of(LockNodes.redisServer(), "--port", Integer.toString(counterRedisPort),
                "--save", "", "--appendonly", "no", "--protected-mode", "no", "--bind"));
        redisCommand.addAll(listen);
        counterRedis = new Managed("counter-redis", Host.loopback("counter-redis"), redisCommand, Map.of(), spec.runDir(), spec.runDir(), () -> Ports.answersPing("127.0.0.1", counterRedisPort),
                Duration.ofSeconds(20));
        counterRedis.launch();
        for (int i = 1; i <= spec.lockNodes(); i++) {
            lockNodes.add(lockNode(i));
        }
        lockNodes.forEach(node -> node.process().awaitReady());
        postgres.process().awaitReady();
        counterRedis.awaitReady();
        rabbit = brokerStart.join();
        int rabbitPort = rabbit.port();
        if (network != null) {
            rabbitForwarder = new Forwarder(Network.rootAddress(), rabbit.port());
            rabbitPort = rabbitForwarder.port();
        }
        say.accept("infrastructure: " + lockNodes.size() + " lock nodes " + lockNodes.stream().map(LockNode::uri).toList()
                + ", PostgreSQL :" + postgres.port() + ", RabbitMQ :" + rabbit.port() + ", counter Redis :" + counterRedisPort);

        String nodes = String.join(",", lockNodes.stream().map(LockNode::uri).toList());
        Map<String, String> common = new LinkedHashMap<>();
        common.put("LOCK_REDIS_NODES", nodes);
        common.put("LOCK_LEASE_TTL", spec.leaseTtl().toMillis() + "ms");
        common.put("LOCK_WAIT_TIMEOUT", "2s");
        common.put("RABBITMQ_HOST", shared);
        common.put("RABBITMQ_PORT", Integer.toString(rabbitPort));
        common.put("QUARKUS_HTTP_HOST", network == null ? "127.0.0.1" : "0.0.0.0");
        common.put("QUARKUS_LOG_CONSOLE_JSON", "false");
        int octet = 30;
        for (int i = 0; i < spec.inventoryReplicas(); i++) {
            Map<String, String> env = new LinkedHashMap<>(common);
            env.put("DB_URL", "postgresql://" + shared + ":" + postgres.port() + "/inventory");
            env.put("INVENTORY_SAMPLE_DATA_ENABLED", "false");
            env.put("INVENTORY_BUY_MAX_WAIT", "2s");
            env.put("INVENTORY_PURCHASE_PROCESSING_DELAY", "20ms");
            env.put("INVENTORY_IDEMPOTENCY_CLAIM_TIMEOUT", "5s");
            env.put("INVENTORY_IDEMPOTENCY_WAIT", "2s");
            inventory.add(replica("inventory-service", "inventory-" + (char) ('a' + i), octet++, env, "PORT"));
        }
        octet = 40;
        for (int i = 0; i < spec.counterReplicas(); i++) {
            Map<String, String> env = new LinkedHashMap<>(common);
            String name = "counter-" + (char) ('a' + i);
            env.put("QUARKUS_REDIS_HOSTS", "redis://" + shared + ":" + counterRedisPort);
            env.put("COUNTER_REPLICA_NAME", name);
            env.put("COUNTER_QUEUE_LEASE_TTL", spec.leaseTtl().toMillis() + "ms");
            counter.add(replica("counter-service", name, octet++, env, "QUARKUS_HTTP_PORT"));
        }
        // the first inventory replica creates the database and migrates it; the others then start together
        inventory.get(0).process().start();
        List<Replica> rest = new ArrayList<>(inventory.subList(1, inventory.size()));
        rest.addAll(counter);
        rest.forEach(r -> r.process().launch());
        rest.forEach(r -> r.process().awaitReady());
        say.accept("replicas ready: " + replicas().stream().map(r -> r.name() + " " + r.url()).toList());
    }

    public List<Replica> replicas() {
        List<Replica> all = new ArrayList<>(inventory);
        all.addAll(counter);
        return all;
    }

    private LockNode lockNode(int index) {
        String name = "node-" + index;
        Host host = network == null ? Host.loopback(name) : network.add(name, 10 + index);
        int port = network == null ? FreePorts.one() : LOCK_PORT;
        Path dir = spec.runDir().resolve(name);
        Path clock = dir.resolve("clock-offset");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (spec.clock() != null) {
            // Redis expires keys by its own wall clock: the preloaded clockshift library lets the nemesis move it
            ClockShift.reset(clock);
            env.putAll(spec.clock().environment(clock));
        }
        List<String> command = List.of(LockNodes.redisServer(), "--port", Integer.toString(port), "--bind", host.address(),
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
                "--protected-mode", "no");
        Managed process = new Managed(name, host, command, env, dir, spec.runDir(),
                () -> Ports.answersPing(host.address(), port), Duration.ofSeconds(20));
        process.launch();
        return new LockNode(process, host.address(), port, clock);
    }

    private Replica replica(String module, String name, int octet, Map<String, String> env, String portVariable) {
        Host host = network == null ? Host.loopback(name) : network.add(name, octet);
        int port = network == null ? FreePorts.one() : SERVICE_PORT;
        env.put(portVariable, Integer.toString(port));
        Path moduleDir = spec.root().resolve(module);
        // the replica's command line as every launcher builds it; Managed runs it in the host's namespace and restarts it
        ServiceProcess.Launch launch = ServiceProcess.of(name, moduleDir.resolve("target/quarkus-app/quarkus-run.jar"), port)
                .address(host.address())
                .jvmOptions("-Xmx200m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .systemProperty("safelock.chaos.run-dir", spec.runDir().toString())
                // each lease granted and ended, with its fencing token: the nemesis reads which replica holds what
                .systemProperty("quarkus.log.category.\"io.safelock.lock.DistributedLocks\".level", "DEBUG");
        String url = launch.baseUrl();
        Managed process = new Managed(name, host, launch.command(), env, moduleDir, spec.runDir(), () -> ServiceProcess.isReady(url),
                Duration.ofSeconds(180));
        return new Replica(process, url);
    }

    private final Map<String, Duration> clockOffsets = new java.util.concurrent.ConcurrentHashMap<>();

    /** Moves a lock node's wall clock forward by {@code jump}, at once, while it runs; returns its total offset. */
    public Duration advanceClock(LockNode node, Duration jump) {
        if (spec.clock() == null) {
            throw new IllegalStateException("clock jumps unavailable: lock nodes run without the clockshift library");
        }
        Duration offset = clockOffsets.merge(node.name(), jump, Duration::plus);
        ClockShift.write(node.clockOffset(), offset);
        return offset;
    }

    /** The lock's key on every node: owner value and remaining TTL as the node sees them (the node's own clock). */
    public List<NodeLockState> lockState(String lockKey) {
        return lockNodes.parallelStream().map(node -> {
            try {
                Object owner = Resp.command(node.address(), node.port(), 500, "GET", lockKey);
                Object pttl = Resp.command(node.address(), node.port(), 500, "PTTL", lockKey);
                return new NodeLockState(node.name(), true, (String) owner, (Long) pttl);
            } catch (IOException | RuntimeException unreachable) {
                return new NodeLockState(node.name(), false, null, -2);
            }
        }).toList();
    }

    /** One node's view of a lock key; {@code reachable} false when it did not answer within 500 ms. */
    public record NodeLockState(String node, boolean reachable, String owner, long pttlMs) {
    }

    @Override
    public void close() {
        List<Managed> all = new ArrayList<>();
        replicas().forEach(r -> all.add(r.process()));
        lockNodes.forEach(n -> all.add(n.process()));
        if (counterRedis != null) {
            all.add(counterRedis);
        }
        if (postgres != null) {
            all.add(postgres.process());
        }
        all.parallelStream().forEach(m -> {
            try {
                m.stop();
            } catch (RuntimeException e) {
                say.accept("could not stop " + m.name() + ": " + e.getMessage());
            }
        });
        if (rabbitForwarder != null) {
            rabbitForwarder.close();
        }
        if (rabbit == null && brokerStart != null) {
            try {
                rabbit = brokerStart.join(); // still starting when something else failed: stop it too
            } catch (RuntimeException failedToStart) {
                // nothing to stop
            }
        }
        if (rabbit != null) {
            rabbit.close();
        }
        if (network != null) {
            network.close();
        }
        say.accept("stopped " + all.size() + " processes and the broker");
    }
}
