package io.safelock.counter.it;

import io.safelock.testsupport.http.Http;
import com.fasterxml.jackson.databind.JsonNode;
import io.safelock.testsupport.FreePorts;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.ServiceProcess;
import io.safelock.testsupport.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Replicas of the packaged service as separate JVMs, sharing five real lock nodes (Redlock), the Redis on
 * 6379 (under a key prefix unique to this run) and RabbitMQ on 5672, reached through a {@link TcpProxy} so
 * a test can cut the broker away from the replicas without touching the shared server.
 */
final class ReplicaCluster implements AutoCloseable {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    final String id;
    final RedisNodes lockNodes;
    final TcpProxy rabbit;
    final List<ServiceProcess> replicas = new ArrayList<>();
    private final Map<String, String> extra;

    private final int brokerPort;

    private ReplicaCluster(String id, Map<String, String> extra, int brokerPort, boolean viaProxy) {
        this.id = id;
        this.extra = extra;
        this.lockNodes = RedisNodes.start(5);
        this.rabbit = viaProxy ? TcpProxy.to(brokerPort) : null;
        this.brokerPort = viaProxy ? rabbit.port() : brokerPort;
    }

    /** Replicas that reach the shared broker on 5672 through {@link #rabbit}, a proxy the test can cut. */
    static ReplicaCluster start(String name, int count, Map<String, String> extra) {
        return start(new ReplicaCluster(name + "-" + RUN, extra, 5672, true), count);
    }

    /** Replicas connected straight to the broker on {@code brokerPort} (a throwaway broker the test restarts). */
    static ReplicaCluster startDirect(String name, int count, Map<String, String> extra, int brokerPort) {
        return start(new ReplicaCluster(name + "-" + RUN, extra, brokerPort, false), count);
    }

    private static ReplicaCluster start(ReplicaCluster cluster, int count) {
        try {
            List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String replica = cluster.id + "-" + (char) ('a' + i);
                starting.add(CompletableFuture.supplyAsync(() -> cluster.startReplica(replica)));
            }
            starting.forEach(f -> cluster.replicas.add(f.join()));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    ServiceProcess startReplica(String replicaName) {
        return startReplica(replicaName, FreePorts.one());
    }

    /** Starts one more replica on {@code port} and returns once it is ready. */
    ServiceProcess startReplica(String replicaName, int port) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("counter.replica-name", replicaName);
        props.put("counter.key-prefix", "it-" + id + ":");
        props.put("lock.redis.nodes", lockNodes.nodesProperty());
        props.put("lock.redis.node-timeout", "250ms");
        props.put("lock.lease-ttl", "3s");
        props.put("rabbitmq-host", "127.0.0.1");
        props.put("rabbitmq-port", Integer.toString(brokerPort));
        props.put("counter.rabbitmq.commands-queue", commandsQueue());
        props.put("counter.rabbitmq.inventory-queue", inventoryQueue());
        props.put("counter.rabbitmq.durable-queue-expires", "120s");
        props.put("counter.rabbitmq.updated-queue-expires", "120s");
        props.put("counter.rabbitmq.retry-delay", "200ms");
        props.put("counter.queue.stats-interval", "500ms");
        props.putAll(extra);
        return ServiceProcess.start(replicaName, jar(), port, props, Duration.ofSeconds(90));
    }

    String commandsQueue() {
        return "counter.commands.it-" + id;
    }

    String inventoryQueue() {
        return "counter-service.inventory.purchased.it-" + id;
    }

    ServiceProcess replica(int i) {
        return replicas.get(i);
    }

    String url(int replica, String path) {
        return replicas.get(replica).baseUrl() + path;
    }

    long value(int replica, String counter) {
        return Http.getOk(url(replica, "/counters/" + counter)).get("value").asLong();
    }

    JsonNode race(int replica, String counter, String mode, int workers, int increments, int thinkMs) {
        return Http.postExpect(url(replica, "/experiments/race"), "{\"counter\":\"" + counter + "\",\"mode\":\"" + mode
                + "\",\"workers\":" + workers + ",\"incrementsPerWorker\":" + increments + ",\"thinkTimeMs\":" + thinkMs + "}", 200);
    }

    /** One series of a replica's /q/metrics, e.g. {@code counter_events_consumed_total{source="command"}}. */
    double metric(int replica, String series) {
        return Http.get(url(replica, "/q/metrics")).text().lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(series + " not in /q/metrics of replica " + replica));
    }

    /** Sum of every series of a replica's /q/metrics that starts with {@code prefix}; 0 if none. */
    double sumOf(int replica, String prefix) {
        return Http.get(url(replica, "/q/metrics")).text().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    String logs() {
        StringBuilder all = new StringBuilder();
        for (ServiceProcess replica : replicas) {
            String log = replica.log();
            all.append("\n===== ").append(replica.name()).append(" (last 60 lines)\n")
                    .append(String.join("\n", log.lines().skip(Math.max(0, log.lines().count() - 60)).toList()));
        }
        return all.toString();
    }

    static Path jar() {
        return Path.of(System.getProperty("counter.it.jar", "target/quarkus-app/quarkus-run.jar"));
    }


    @Override
    public void close() {
        replicas.forEach(ServiceProcess::close);
        if (rabbit != null) {
            rabbit.close();
        }
        lockNodes.close();
    }
}
