package io.safelock.load;

import io.safelock.demo.DemoPlan;
import io.safelock.demo.http.Http;
import io.safelock.demo.local.DemoCluster;
import io.safelock.demo.local.Detached;
import io.safelock.demo.local.LockNodes;
import io.safelock.demo.local.Ports;
import io.safelock.demo.local.ProcessRecord;
import io.safelock.testsupport.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;

/**
 * The HTTP load benchmark ({@code scripts/load.sh}): starts lock nodes and two replicas of each service
 * with the demo's launch code (run directory {@code .load/}, its own ports and database), measures the
 * physical limits (pgbench on the services' own statements, redis-benchmark, the disk's fsync rate), runs
 * every scenario with an open-model generator, compares with the naive Node.js reference and prints the
 * table, the targets and an SVG plot. Stops exactly what it started.
 */
public final class LoadMain {

    static final int INVENTORY_PORT = 3200;
    static final int COUNTER_PORT = 3300;
    static final int LOCK_PORT = 7201;
    static final int NAIVE_PORT = 3400;
    static final String DATABASE = "inventory_load";
    static final String PGBENCH_DATABASE = "inventory_load_pgbench";
    static final int PRODUCTS = 1000;
    static final int HOT_DELAY_MS = 100;

    /**
     * One scenario's figures: capacity probe, latency run at 70 % of it, the limit it is compared with, and
     * the CPU seconds each group of processes spent during the probe and on the work its answers left behind.
     */
    record Row(String config, String scenario, Result probe, Result load, String limitName, double limit, Map<String, Double> cpu,
               double machineBusy, DatabaseAtRate database) {

        /** Milliseconds of CPU per answer, for one group or (null) the whole machine. */
        double cpuMillisPerAnswer(String group) {
            double seconds = group == null ? cpu.values().stream().mapToDouble(Double::doubleValue).sum() : cpu.getOrDefault(group, 0.0);
            return probe.completed() == 0 ? Double.NaN : 1000 * seconds / probe.completed();
        }
    }

    /**
     * pgbench on the same statements at the latency run's rate, right after it: the database's own latency
     * at that load (its commit fsyncs included), the floor under the route's p50/p99. Null when the route has
     * no pgbench script.
     */
    record DatabaseAtRate(double rate, double p50, double p99, double p999) {
    }

    /** Warming a JVM stops once its JIT compiler threads use at most this share of its CPU over a cycle. */
    private static final double JIT_QUIET = 0.05;

    private final boolean quick;
    private final int connections;
    /** Only scenarios whose "lock nodes | scenario" label matches (for focused before/after runs); null = all. */
    private final java.util.regex.Pattern only;
    private final Path root = Path.of("").toAbsolutePath();
    private final Path runDir = root.resolve(".load");
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Double> limits = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    /** CPU milliseconds per transaction of each pgbench script (PostgreSQL and pgbench itself). */
    private final Map<String, Double> pgbenchCpu = new LinkedHashMap<>();
    private final List<String> warmUps = new ArrayList<>();
    /** The pgbench database's products (first, last), once it exists. */
    private long[] pgbenchProducts;
    /** pgbench connections at a latency run's rate: the two inventory replicas' request pools (DB_POOL_SIZE 20 each). */
    private static final int DATABASE_CONNECTIONS = 40;
    private final CpuMeter cpu;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final Http http = new Http(Duration.ofSeconds(10));
    private final OpenLoad generator;
    private double hotUtilisation = Double.NaN;
    private Result hot;

    private LoadMain(boolean quick, int connections, String only) {
        this.quick = quick;
        this.only = only == null ? null : java.util.regex.Pattern.compile(only);
        this.connections = connections;
        this.generator = new OpenLoad(connections);
        this.cpu = new CpuMeter(runDir.resolve("pids"));
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int connections = 64;
        Path markdown = null;
        Path svg = null;
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--markdown" -> markdown = Path.of(args[++i]);
                case "--svg" -> svg = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                default -> {
                    System.err.println("usage: scripts/load.sh [--skip-build] [--quick] [--connections N] [--markdown FILE] [--svg FILE] [--only REGEX]");
                    System.exit(2);
                }
            }
        }
        LoadMain load = new LoadMain(quick, connections, only);
        int exit;
        try {
            load.runAll();
            String report = load.report();
            System.out.println(report);
            Path svgFile = svg != null ? svg : load.runDir.resolve("load.svg");
            Files.writeString(svgFile, load.plot());
            System.out.println("plot: " + svgFile);
            if (markdown != null) {
                Files.writeString(markdown, report);
                System.out.println("table: " + markdown);
            }
            exit = 0;
        } finally {
            load.stopEverything();
            load.generator.close();
            Tools.psql("postgres", "DROP DATABASE IF EXISTS " + PGBENCH_DATABASE + " WITH (FORCE)");
        }
        System.exit(exit);
    }

    // ---- durations -----------------------------------------------------------------------------

    private double probeSeconds() {
        return quick ? 2 : 8;
    }

    private double loadSeconds() {
        return quick ? 2 : 10;
    }

    private int pgbenchSeconds() {
        return quick ? 3 : 10;
    }

    // ---- the run -------------------------------------------------------------------------------

    private void runAll() {
        say("run directory " + root.relativize(runDir) + ", inventory :" + INVENTORY_PORT + "-" + (INVENTORY_PORT + 1) + ", counter :"
                + COUNTER_PORT + "-" + (COUNTER_PORT + 1) + ", lock nodes :" + LOCK_PORT + "-" + (LOCK_PORT + 4) + ", naive reference :"
                + NAIVE_PORT + "-" + (NAIVE_PORT + 1) + ", database " + DATABASE + (quick ? " (quick)" : ""));
        stopEverything();
        deleteLockNodeData();
        Tools.psql("postgres", "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        Tools.psql("postgres", "DROP DATABASE IF EXISTS " + PGBENCH_DATABASE + " WITH (FORCE)");

        say("disk: fdatasync rate (pg_test_fsync)");
        limits.put("fsync/s (one writer)", Tools.fsyncPerSecond(runDir, quick ? 1 : 2));

        // ---- one lock node, in memory
        DemoPlan oneNode = plan(1);
        DemoCluster cluster = new DemoCluster(oneNode, this::say);
        cluster.lockNodes().ensureAll();
        persistence(oneNode, false);
        cluster.replicas().startAll();
        long[] products = createProducts(DATABASE);
        pgbenchLimits();
        redisLimits(false);
        boolean naive = wanted("naive Node.js | with-lock, " + PRODUCTS + " products") || wanted("naive Node.js | without-lock, " + PRODUCTS + " products");
        if (naive) {
            startNaive();
        }
        // queued is left out: its backlog would still be draining when the first scenario starts
        warmUp("inventory", purchaseTargets(products, List.of("without-lock", "with-lock", "conditional-update", "select-for-update", "/buy")), 2500);
        warmUp("counter", counterTargets(List.of("unsafe", "locked", "atomic")), 4000);
        String config = "1 node, in memory";
        for (String strategy : List.of("without-lock", "with-lock", "conditional-update", "select-for-update")) {
            purchases(config, strategy, products, limitFor(strategy));
        }
        purchases(config, "/buy", products, limitFor("with-lock"));
        hotProduct(products[2]);
        for (String mode : List.of("unsafe", "locked", "atomic", "queued")) {
            counters(config, mode);
        }
        if (naive) {
            warmUp("naive", naiveTargets(products), 3000);
        }
        for (String route : List.of("with-lock", "without-lock")) {
            naive(route, products);
        }
        stopNaive();
        boolean redlock = false;
        for (String config5 : List.of("Redlock(5), in memory", "Redlock(5), appendfsync always")) {
            for (String scenario : List.of("with-lock, ", "/buy, ", "counter locked, ")) {
                redlock |= wanted(config5 + " | " + scenario + PRODUCTS + " products") || wanted(config5 + " | " + scenario + "100 counters");
            }
        }
        if (!redlock) {
            return;
        }

        // ---- Redlock over five nodes, in memory, then with appendfsync always
        DemoPlan fiveNodes = plan(5);
        cluster = new DemoCluster(fiveNodes, this::say);
        cluster.lockNodes().ensureAll();
        persistence(fiveNodes, false);
        cluster.replicas().startAll();
        long[] redlockProducts = createProducts(DATABASE);
        warmUp("inventory", purchaseTargets(redlockProducts, List.of("with-lock", "/buy")), 2500);
        warmUp("counter", counterTargets(List.of("locked")), 4000);
        lockedScenarios("Redlock(5), in memory", redlockProducts);
        persistence(fiveNodes, true);
        redisLimits(true);
        lockedScenarios("Redlock(5), appendfsync always", redlockProducts);
    }

    private void lockedScenarios(String config, long[] products) {
        purchases(config, "with-lock", products, limitFor("with-lock"));
        purchases(config, "/buy", products, limitFor("with-lock"));
        counters(config, "locked");
    }

    private DemoPlan plan(int lockNodes) {
        Map<String, String> inventory = new LinkedHashMap<>();
        inventory.put("DB_URL", "postgresql://127.0.0.1:5432/" + DATABASE);
        inventory.put("RABBITMQ_HOST", "127.0.0.1");
        inventory.put("INVENTORY_PURCHASE_PROCESSING_DELAY", "0ms");
        inventory.put("INVENTORY_SAMPLE_DATA_ENABLED", "false");
        inventory.put("INVENTORY_EVENTS_EXCHANGE", "load.inventory");
        String profile = System.getenv("LOAD_JAVA_OPTIONS");
        Map<String, String> counter = new LinkedHashMap<>();
        counter.put("QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:6379");
        counter.put("RABBITMQ_HOST", "127.0.0.1");
        counter.put("COUNTER_KEY_PREFIX", "load-counter:");
        counter.put("COUNTER_RABBITMQ_INVENTORY_EXCHANGE", "load.inventory");
        counter.put("COUNTER_RABBITMQ_INVENTORY_QUEUE", "load.counter-service.inventory.purchased");
        counter.put("COUNTER_RABBITMQ_COMMANDS_QUEUE", "load.counter.commands");
        counter.put("COUNTER_RABBITMQ_UPDATED_EXCHANGE", "load.counter.updated");
        counter.put("COUNTER_RABBITMQ_UPDATED_QUEUE_PREFIX", "load.counter.updated.");
        if (profile != null && !profile.isBlank()) {
            // e.g. -XX:StartFlightRecording=... to profile the replicas under this load
            inventory.put("JAVA_TOOL_OPTIONS", profile);
        }
        String counterProfile = System.getenv("LOAD_COUNTER_JAVA_OPTIONS");
        if (counterProfile != null && !counterProfile.isBlank()) {
            counter.put("JAVA_TOOL_OPTIONS", counterProfile);
        }
        return new DemoPlan(root, runDir, DemoPlan.range(LOCK_PORT, lockNodes), DemoPlan.range(INVENTORY_PORT, 2),
                DemoPlan.range(COUNTER_PORT, 2), inventory, counter);
    }

    /** In memory (appendonly no) or every write fsynced before the answer (appendonly yes, appendfsync always). */
    private void persistence(DemoPlan plan, boolean fsyncAlways) {
        for (int port : plan.lockPorts()) {
            Tools.redisCli(port, "CONFIG", "SET", "appendfsync", "always");
            Tools.redisCli(port, "CONFIG", "SET", "appendonly", fsyncAlways ? "yes" : "no");
        }
        if (fsyncAlways) {
            for (int port : plan.lockPorts()) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (Tools.redisCli(port, "INFO", "persistence").contains("aof_rewrite_in_progress:1") && System.nanoTime() < deadline) {
                    ProcessRecordSleep.sleep(50);
                }
            }
        }
        say("lock nodes " + plan.lockPorts() + ": " + (fsyncAlways ? "appendonly yes, appendfsync always" : "in memory (appendonly no)"));
    }

    /** {@code PRODUCTS} products with stock enough for any run, plus one hot product: {first, last, hot}. */
    private long[] createProducts(String database) {
        String ids = Tools.psql(database, "WITH p AS (INSERT INTO products (name, stock, price) SELECT 'load ' || g, 1000000000, 10.00"
                + " FROM generate_series(1, " + (PRODUCTS + 1) + ") g RETURNING id) SELECT min(id) || ' ' || max(id) FROM p");
        String[] range = ids.split(" ");
        long first = Long.parseLong(range[0]);
        long last = Long.parseLong(range[1]);
        return new long[] {first, last - 1, last};
    }

    // ---- limits ----------------------------------------------------------------------------------

    private void pgbenchLimits() {
        Tools.run(List.of("bash", "-c", "set -o pipefail; createdb -h 127.0.0.1 -U postgres " + PGBENCH_DATABASE
                + " && pg_dump -s -h 127.0.0.1 -U postgres " + DATABASE + " | psql -q -h 127.0.0.1 -U postgres -d " + PGBENCH_DATABASE),
                Map.of("PGPASSWORD", "postgres"), 120);
        long[] products = createProducts(PGBENCH_DATABASE);
        pgbenchProducts = products;
        Path scripts = root.resolve("load/pgbench");
        for (String script : List.of("order-transaction", "with-lock", "without-lock", "conditional-update", "select-for-update", "naive")) {
            say("pgbench, 32 clients, " + pgbenchSeconds() + " s: " + script + ".sql");
            CpuMeter.Snapshot before = cpu.snapshot();
            double tps = Tools.pgbench(PGBENCH_DATABASE, scripts.resolve(script + ".sql"), 32, pgbenchSeconds(), products[0], products[1]);
            Map<String, Double> spent = cpu.snapshot().since(before);
            double transactions = tps * pgbenchSeconds();
            // pgbench's backends exit with it, before the second reading: count the whole machine's busy time
            // except the (idle) replicas and lock nodes this benchmark started
            double machine = spent.values().stream().mapToDouble(Double::doubleValue).sum();
            for (String started : List.of(CpuMeter.INVENTORY, CpuMeter.COUNTER, CpuMeter.LOCK_NODES, CpuMeter.NAIVE)) {
                machine -= spent.get(started);
            }
            pgbenchCpu.put("pgbench " + script + ".sql", 1000 * machine / transactions);
            limits.put("pgbench " + script + ".sql", tps);
        }
        // kept for pgbench at each latency run's rate; dropped when the run ends
    }

    private String limitFor(String strategy) {
        return "pgbench " + strategy + ".sql";
    }

    private void redisLimits(boolean fsync) {
        int requests = quick ? 20_000 : 100_000;
        if (!fsync) {
            say("redis-benchmark on lock node :" + LOCK_PORT + " (in memory)");
            limits.put("Redis PING/s, 32 clients", Tools.redisBenchmark(LOCK_PORT, "ping_mbulk", 32, requests, 1));
            limits.put("Redis SET/s, 32 clients", Tools.redisBenchmark(LOCK_PORT, "set", 32, requests, 1));
        } else {
            say("redis-benchmark on lock node :" + LOCK_PORT + " (appendfsync always)");
            limits.put("Redis SET/s, fsync always, 1 client", Tools.redisBenchmark(LOCK_PORT, "set", 1, quick ? 500 : 2_000, 1));
            limits.put("Redis SET/s, fsync always, 32 clients", Tools.redisBenchmark(LOCK_PORT, "set", 32, requests / 4, 1));
        }
    }

    // ---- scenarios -----------------------------------------------------------------------------

    private static List<Integer> ports(int first) {
        return List.of(first, first + 1);
    }

    /**
     * Brings the replicas' JIT compilers to their steady state before anything is measured: every route at
     * full load (a capacity probe of a few seconds each), cycle after cycle, until the compiler threads of
     * every replica of the service used at most {@link #JIT_QUIET} of its CPU over the last cycle. A fresh
     * replica answers a small fraction of its steady capacity for its first minute or two under load (C2
     * compiles on the same two cores the service runs on), so a short warm-up measures the JIT, not the
     * service. The generator warms up with the first service.
     */
    private void warmUp(String service, List<OpenLoad.Target> routes, double rate) {
        List<Long> pids = pidsOf(service + "-");
        double roundSeconds = quick ? 2 : 4;
        double budgetSeconds = quick ? 40 : 240;
        long start = System.nanoTime();
        for (int cycle = 1; ; cycle++) {
            Map<Long, double[]> before = jit(pids);
            StringBuilder rates = new StringBuilder();
            for (OpenLoad.Target route : routes) {
                Result round = generator.run("warm-up", route, rate, roundSeconds, 30, true);
                rates.append(rates.isEmpty() ? "" : ", ").append(route.name()).append(' ').append(Math.round(round.throughput())).append("/s");
            }
            double share = jitShare(before, jit(pids));
            double elapsed = (System.nanoTime() - start) / 1e9;
            say(String.format(Locale.ROOT, "warm-up %s, cycle %d (%.0f s): %s; JIT compilers %.0f %% of the replicas' CPU", service, cycle,
                    elapsed, rates, 100 * share));
            boolean quiet = share <= JIT_QUIET;
            if (quiet || elapsed >= budgetSeconds) {
                warmUps.add(String.format(Locale.ROOT, "%s: %d cycles, %.0f s, JIT %.0f %% of the replicas' CPU in the last cycle%s", service,
                        cycle, elapsed, 100 * share, quiet ? "" : " (time budget spent while still compiling)"));
                return;
            }
        }
    }

    private List<Long> pidsOf(String namePrefix) {
        Path dir = runDir.resolve("pids");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(namePrefix))
                    .flatMap(f -> ProcessRecord.read(f).stream()).map(ProcessRecord::pid).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<Long, double[]> jit(List<Long> pids) {
        Map<Long, double[]> seconds = new LinkedHashMap<>();
        pids.forEach(pid -> seconds.put(pid, CpuMeter.jitAndTotal(pid)));
        return seconds;
    }

    /** The largest share of a replica's CPU its JIT compiler threads used between the two readings (0 for a process that is not a JVM). */
    private static double jitShare(Map<Long, double[]> before, Map<Long, double[]> after) {
        double worst = 0;
        for (Map.Entry<Long, double[]> e : after.entrySet()) {
            double[] b = before.get(e.getKey());
            double total = e.getValue()[1] - b[1];
            if (total > 0) {
                worst = Math.max(worst, (e.getValue()[0] - b[0]) / total);
            }
        }
        return worst;
    }

    private List<OpenLoad.Target> purchaseTargets(long[] products, List<String> strategies) {
        return strategies.stream().map(strategy -> purchaseTarget(products, strategy)).toList();
    }

    /** A purchase route ("with-lock", …, or "/buy") over a walk of the products of its own. */
    private OpenLoad.Target purchaseTarget(long[] products, String strategy) {
        LongUnaryOperator product = walk(products);
        boolean buy = strategy.equals("/buy");
        String prefix = buy ? "/buy/" : "/purchase/" + strategy + "/";
        return new OpenLoad.Target(strategy, ports(INVENTORY_PORT), i -> prefix + product.applyAsLong(i), buy ? "{\"amount\":1}" : "{\"quantity\":1}");
    }

    private List<OpenLoad.Target> counterTargets(List<String> modes) {
        return modes.stream().map(mode -> counterTarget("warm-up-", mode)).toList();
    }

    /**
     * Increments of 100 counters of their own (named after the moment): the fresh lock nodes of a run count
     * fencing tokens from 1 again, and a counter fenced by an earlier run's tokens would refuse them.
     */
    private OpenLoad.Target counterTarget(String prefix, String mode) {
        String names = prefix + Long.toString(System.nanoTime(), 36) + "-";
        return new OpenLoad.Target("counter " + mode, ports(COUNTER_PORT), i -> "/counters/" + names + (i % 100) + "/increment",
                "{\"by\":1,\"mode\":\"" + mode + "\"}");
    }

    private long walks;

    /** A pseudo-random walk over the products, a different one for every run, so no run starts where the last one ended. */
    private LongUnaryOperator walk(long[] products) {
        long offset = 1_000_003L * ++walks;
        long span = products[1] - products[0] + 1;
        return i -> products[0] + Math.floorMod((i + offset) * 7919L + ((i + offset) >>> 3) * 104729L, span);
    }

    private void purchases(String config, String strategy, long[] products, String limit) {
        measure(config, strategy + ", " + PRODUCTS + " products", purchaseTarget(products, strategy), 2500, limit);
    }

    private void counters(String config, String mode) {
        measure(config, "counter " + mode + ", 100 counters", counterTarget("load-", mode), 4000,
                "locked".equals(mode) || "unsafe".equals(mode) ? "Redis PING/s, 32 clients" : "Redis SET/s, 32 clients");
    }

    private List<OpenLoad.Target> naiveTargets(long[] products) {
        return List.of(naiveTarget(products, "with-lock"), naiveTarget(products, "without-lock"));
    }

    private OpenLoad.Target naiveTarget(long[] products, String route) {
        LongUnaryOperator product = walk(products);
        return new OpenLoad.Target(route, ports(NAIVE_PORT), i -> "/purchase/" + route + "/" + product.applyAsLong(i), "{\"quantity\":1}");
    }

    private void naive(String route, long[] products) {
        measure("naive Node.js", route + ", " + PRODUCTS + " products", naiveTarget(products, route), 3000, "pgbench naive.sql");
    }

    /** pgbench on the route's own statements at the latency run's rate (see {@link DatabaseAtRate}); null if it has none. */
    private DatabaseAtRate databaseAtRate(String limit, double rate) {
        if (pgbenchProducts == null || !limit.startsWith("pgbench ")) {
            return null;
        }
        waitUntilQuiet();
        String script = limit.substring("pgbench ".length());
        org.HdrHistogram.Histogram latencies = Tools.pgbenchAtRate(PGBENCH_DATABASE, root.resolve("load/pgbench").resolve(script),
                DATABASE_CONNECTIONS, (int) Math.round(loadSeconds()), rate, pgbenchProducts[0], pgbenchProducts[1], runDir.resolve("pgbench-log"));
        DatabaseAtRate database = new DatabaseAtRate(rate, latencies.getValueAtPercentile(50) / 1000.0,
                latencies.getValueAtPercentile(99) / 1000.0, latencies.getValueAtPercentile(99.9) / 1000.0);
        say(String.format(Locale.ROOT, "  pgbench %s at %.0f/s: p50 %.1f ms p99 %.1f ms p99.9 %.1f ms", script, rate, database.p50(),
                database.p99(), database.p999()));
        return database;
    }

    private boolean wanted(String label) {
        return only == null || only.matcher(label).find();
    }

    /** A capacity probe (offered above capacity, answers counted in the window), then a run at 70 % of that capacity. */
    private void measure(String config, String scenario, OpenLoad.Target target, double probeRate, String limit) {
        if (!wanted(config + " | " + scenario)) {
            return;
        }
        waitUntilQuiet();
        say(config + " | " + scenario + ": capacity probe at " + (int) probeRate + "/s");
        CpuMeter.Snapshot before = cpu.snapshot();
        long wallBefore = System.nanoTime();
        Result probe = generator.run(scenario, target, probeRate, probeSeconds(), 30, true);
        // a probe the system kept up with measured the offer, not the capacity: offer twice as much (a faster
        // machine, a cheaper route), at most twice
        for (int more = 0; more < 2 && probe.throughput() >= 0.95 * probeRate; more++) {
            probeRate *= 2;
            say(String.format(Locale.ROOT, "  answered %.0f/s of %.0f/s offered: not saturated; probing again at %.0f/s", probe.throughput(),
                    probeRate / 2, probeRate));
            waitUntilQuiet();
            before = cpu.snapshot();
            wallBefore = System.nanoTime();
            probe = generator.run(scenario, target, probeRate, probeSeconds(), 30, true);
        }
        Map<String, Double> duringProbe = cpu.snapshot().since(before);
        double busy = duringProbe.values().stream().mapToDouble(Double::doubleValue).sum() / ((System.nanoTime() - wallBefore) / 1e9) / cores;
        // What the answers left to do after the window (outbox events to publish and consume, counter commands
        // queued) is part of their cost and, left running, would steal the latency run's CPU: wait for it, and
        // count its CPU with the probe's, less the idle second that ended the wait.
        Quiet drained = waitUntilQuiet();
        Map<String, Double> spent = new LinkedHashMap<>(cpu.snapshot().since(before));
        drained.lastSecond().forEach((group, seconds) -> spent.merge(group, -seconds, Double::sum));
        // 70 % of what the machine can keep up with: the window's answers, or fewer if their whole CPU cost
        // (work left behind included) would not fit on the cores at that rate
        double cpuSeconds = spent.values().stream().mapToDouble(Double::doubleValue).sum();
        double sustainable = cpuSeconds <= 0 || probe.completed() == 0 ? probe.throughput()
                : Math.min(probe.throughput(), cores / (cpuSeconds / probe.completed()));
        double rate = Math.max(10, 0.7 * sustainable);
        say(String.format(Locale.ROOT, "  capacity %.0f/s (work left behind took %.0f s more; CPU limit %.0f/s); latency run at %.0f/s",
                probe.throughput(), drained.seconds(), cores / (cpuSeconds / Math.max(1, probe.completed())), rate));
        Result load = generator.run(scenario, target, rate, loadSeconds(), 30, false);
        say(String.format(Locale.ROOT, "  %.0f/s p50 %.1f ms p99 %.1f ms p99.9 %.1f ms  %s", load.throughput(), load.millis(50),
                load.millis(99), load.millis(99.9), load.statusSummary()));
        samples(probe);
        samples(load);
        DatabaseAtRate database = databaseAtRate(limit, rate);
        rows.add(new Row(config, scenario, probe, load, limit, limits.getOrDefault(limit, Double.NaN), spent, busy, database));
    }

    /**
     * Waits until the machine is nearly idle (at most a quarter of its CPU busy over a second), at most two
     * minutes: work a scenario left behind (counter commands still queued, outbox events, a collector)
     * would otherwise be measured against the next one.
     */
    private Quiet waitUntilQuiet() {
        long deadline = System.nanoTime() + 120_000_000_000L;
        long start = System.nanoTime();
        double busy = 1;
        Map<String, Double> lastSecond = Map.of();
        while (System.nanoTime() < deadline) {
            CpuMeter.Snapshot before = cpu.snapshot();
            ProcessRecordSleep.sleep(1000);
            lastSecond = cpu.snapshot().since(before);
            busy = lastSecond.values().stream().mapToDouble(Double::doubleValue).sum() / cores;
            if (busy <= 0.25) {
                break;
            }
        }
        double waited = (System.nanoTime() - start) / 1e9;
        if (waited > 1.5) {
            say(String.format(Locale.ROOT, "  waited %.0f s for the machine to go quiet (%.0f %% busy)", waited, 100 * busy));
        }
        return new Quiet(Math.max(0, waited - 1), lastSecond);
    }

    /** How long the machine stayed busy before its last, quiet second, and that second's CPU by group. */
    private record Quiet(double seconds, Map<String, Double> lastSecond) {
    }

    /** The first answer of each unexpected status, so a table entry such as 409:10 comes with its reason. */
    private void samples(Result result) {
        result.samples().forEach((status, body) -> say("  first " + status + ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body)));
    }

    /** One product, the default 100 ms processing delay, buyers arriving twice as fast as the lock can serve them. */
    private void hotProduct(long product) {
        if (!wanted("1 node, in memory | hot product")) {
            return;
        }
        double seconds = quick ? 5 : 15;
        say("hot product: with-lock, ?delayMs=" + HOT_DELAY_MS + ", 20/s for " + (int) seconds + " s");
        hot = generator.run("hot product", new OpenLoad.Target("hot", ports(INVENTORY_PORT),
                i -> "/purchase/with-lock/" + product + "?delayMs=" + HOT_DELAY_MS, "{\"quantity\":1}"), 20, seconds, 30, false);
        samples(hot);
        long sold = hot.count("200");
        hotUtilisation = sold * HOT_DELAY_MS / 1000.0 / hot.seconds();
        say(String.format(Locale.ROOT, "  %d sold in %.1f s: lock utilisation %.0f %%  %s", sold, hot.seconds(), 100 * hotUtilisation,
                hot.statusSummary()));
    }

    // ---- the naive reference ---------------------------------------------------------------------

    private void startNaive() {
        Path dir = root.resolve("load/naive-node");
        for (int port : ports(NAIVE_PORT)) {
            if (Ports.inUse(port)) {
                throw new IllegalStateException("port " + port + " is taken by a process this benchmark did not start");
            }
            String name = "naive-" + port;
            Detached.start(name, List.of("node", "server.js"), Map.of("PORT", Integer.toString(port),
                    "DB_URL", "postgresql://postgres:postgres@127.0.0.1:5432/" + DATABASE,
                    "REDIS_URL", "redis://127.0.0.1:" + LOCK_PORT), dir, runDir.resolve("logs/" + name + ".log"),
                    runDir.resolve("pids/" + name + ".pid"));
        }
        for (int port : ports(NAIVE_PORT)) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (http.get("http://127.0.0.1:" + port + "/health").status() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("naive reference on :" + port + " did not start:\n"
                            + Processes.tail(runDir.resolve("logs/naive-" + port + ".log"), 20));
                }
                ProcessRecordSleep.sleep(100);
            }
        }
        say("naive Node.js reference on :" + NAIVE_PORT + " and :" + (NAIVE_PORT + 1) + " (lock node :" + LOCK_PORT + ")");
    }

    private void stopNaive() {
        for (int port : ports(NAIVE_PORT)) {
            ProcessRecord.read(runDir.resolve("pids/naive-" + port + ".pid")).ifPresent(r -> r.stop(Duration.ofSeconds(5)));
        }
    }

    private void stopEverything() {
        new DemoCluster(plan(5), this::say).down();
    }

    private void deleteLockNodeData() {
        for (int port : DemoPlan.range(LOCK_PORT, 5)) {
            Path dir = runDir.resolve(LockNodes.name(port));
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    // ---- report ----------------------------------------------------------------------------------

    private String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Measured %s on %d cores, Java %s, %s %s; 2 replicas per service, open model (constant"
                        + " arrival rate, latency from each request's due time), at most %d connections, processing delay 0%s%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.arch"), connections, quick ? " (--quick: short runs)" : ""));
        out.append("Physical limits, same run:\n\n");
        out.append("| limit | per second | CPU ms per transaction (PostgreSQL and pgbench) |\n|---|---:|---:|\n");
        limits.forEach((name, value) -> {
            Double perTransaction = pgbenchCpu.get(name);
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %s |%n", name, value,
                    perTransaction == null ? "" : String.format(Locale.ROOT, "%.3f", perTransaction)));
        });
        if (!warmUps.isEmpty()) {
            out.append("\nWarm-up before measuring (every route at full load until the JIT compilers use at most ")
                    .append(Math.round(100 * JIT_QUIET)).append(" % of each replica's CPU):\n\n");
            warmUps.forEach(w -> out.append("- ").append(w).append('\n'));
        }
        out.append("\nScenarios: capacity = answers/s when offered more than the system can do; latency and answers at 70 % of"
                + " that capacity (below saturation).\n\n");
        out.append("| lock nodes | scenario | capacity/s | of limit | limit | p50 ms | p99 ms | p99.9 ms | pgbench at that rate: p50 / p99 / p99.9 ms | answers at 70 % | at capacity, besides 200/400 |\n");
        out.append("|---|---|---:|---:|---|---:|---:|---:|---|---|---|\n");
        for (Row row : rows) {
            DatabaseAtRate db = row.database();
            out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %s | %.1f | %.1f | %.1f | %s | %s | %s |%n", row.config(), row.scenario(),
                    row.probe().throughput(), Double.isNaN(row.limit()) ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * row.probe().throughput() / row.limit()),
                    row.limitName(), row.load().millis(50), row.load().millis(99), row.load().millis(99.9),
                    db == null ? "-" : String.format(Locale.ROOT, "%.1f / %.1f / %.1f", db.p50(), db.p99(), db.p999()),
                    row.load().statusSummary(), saturationSummary(row.probe())));
        }
        out.append(cpuTable());
        if (hot != null) {
            out.append(String.format(Locale.ROOT, "%nHot product (1 node, with-lock, %d ms processing, 20 buyers/s): %d sold in %.1f s,"
                            + " lock utilisation %.0f %% (units sold x delay / elapsed); answers %s; 409/503 without Retry-After: %d%n",
                    HOT_DELAY_MS, hot.count("200"), hot.seconds(), 100 * hotUtilisation, hot.statusSummary(), hot.retryAfterMissing()));
        }
        out.append("\n").append(targets());
        return out.toString();
    }

    /**
     * Where each answer's CPU went during the capacity probe, by group of processes: on a machine whose
     * cores are all busy at capacity, {@code cores / total} is the most this route can do here.
     */
    private String cpuTable() {
        List<String> groups = new ArrayList<>();
        for (String group : CpuMeter.GROUPS) {
            if (rows.stream().anyMatch(r -> r.cpuMillisPerAnswer(group) >= 0.0005)) {
                groups.add(group);
            }
        }
        groups.add(CpuMeter.OTHER);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nCPU per answer during the capacity probe, in ms (%d cores;"
                + " \"CPU limit\" = cores / total, the most the route can do on this machine when every core is busy):%n%n", cores));
        out.append("| lock nodes | scenario | capacity/s | cores busy | CPU limit/s | total ms |");
        groups.forEach(g -> out.append(' ').append(g).append(" |"));
        out.append("\n|---|---|---:|---:|---:|---:|");
        groups.forEach(g -> out.append("---:|"));
        out.append('\n');
        for (Row row : rows) {
            double total = row.cpuMillisPerAnswer(null);
            out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f %% | %.0f | %.3f |", row.config(), row.scenario(),
                    row.probe().throughput(), 100 * row.machineBusy(), cores * 1000 / total, total));
            groups.forEach(g -> out.append(String.format(Locale.ROOT, " %.3f |", row.cpuMillisPerAnswer(g))));
            out.append('\n');
        }
        return out.toString();
    }

    private static String saturationSummary(Result probe) {
        StringBuilder s = new StringBuilder();
        probe.statuses().forEach((status, count) -> {
            if (!status.equals("200") && !status.equals("400") && !status.equals("202") && !status.equals("not-sent")
                    && !status.equals("no-answer")) {
                s.append(s.isEmpty() ? "" : " ").append(status).append(':').append(count);
            }
        });
        if (probe.retryAfterMissing() > 0) {
            s.append(" (").append(probe.retryAfterMissing()).append(" without Retry-After)");
        }
        return s.isEmpty() ? "none" : s.toString();
    }

    private Row row(String config, String scenarioStart) {
        return rows.stream().filter(r -> r.config().equals(config) && r.scenario().startsWith(scenarioStart)).findFirst().orElse(null);
    }

    private String targets() {
        StringBuilder out = new StringBuilder("Targets:\n\n| target | figure | verdict |\n|---|---|---|\n");
        Row withLock = row("1 node, in memory", "with-lock,");
        Row without = row("1 node, in memory", "without-lock,");
        Row conditional = row("1 node, in memory", "conditional-update,");
        Row naive = row("naive Node.js", "with-lock,");
        Row redlock = row("Redlock(5), in memory", "with-lock,");
        Row fsync = row("Redlock(5), appendfsync always", "with-lock,");
        if (withLock != null) {
            double ceiling = limits.getOrDefault("pgbench with-lock.sql", Double.NaN);
            target(out, "with-lock, 1 node >= 70 % of pgbench on its own statements",
                    String.format(Locale.ROOT, "%.0f/s of %.0f/s = %.0f %%", withLock.probe().throughput(), ceiling, 100 * withLock.probe().throughput() / ceiling),
                    withLock.probe().throughput() >= 0.7 * ceiling);
            double minimal = limits.getOrDefault("pgbench order-transaction.sql", Double.NaN);
            out.append(String.format(Locale.ROOT, "| (with-lock vs one UPDATE + two INSERTs in one transaction) | %.0f/s of %.0f/s = %.0f %% | info |%n",
                    withLock.probe().throughput(), minimal, 100 * withLock.probe().throughput() / minimal));
            if (naive != null) {
                target(out, "with-lock, 1 node > naive Node.js with-lock", String.format(Locale.ROOT, "%.0f/s vs %.0f/s = %.2fx",
                        withLock.probe().throughput(), naive.probe().throughput(), withLock.probe().throughput() / naive.probe().throughput()),
                        withLock.probe().throughput() > naive.probe().throughput());
            }
            target(out, "with-lock, 1 node: p99 <= 100 ms (at 70 %)", String.format(Locale.ROOT, "p99 %.1f ms%s", withLock.load().millis(99),
                            withLock.database() == null ? "" : String.format(Locale.ROOT, " (pgbench with-lock.sql alone at the same %.0f/s: p99 %.1f ms)",
                                    withLock.database().rate(), withLock.database().p99())),
                    withLock.load().millis(99) <= 100);
            if (without != null && conditional != null) {
                target(out, "without-lock and conditional-update above with-lock", String.format(Locale.ROOT, "%.0f/s, %.0f/s vs %.0f/s",
                                without.probe().throughput(), conditional.probe().throughput(), withLock.probe().throughput()),
                        without.probe().throughput() > withLock.probe().throughput() && conditional.probe().throughput() > withLock.probe().throughput());
            }
            if (redlock != null) {
                target(out, "with-lock, Redlock(5) in memory >= 80 % of 1 node", String.format(Locale.ROOT, "%.0f/s vs %.0f/s = %.0f %%",
                                redlock.probe().throughput(), withLock.probe().throughput(), 100 * redlock.probe().throughput() / withLock.probe().throughput()),
                        redlock.probe().throughput() >= 0.8 * withLock.probe().throughput());
            }
        }
        if (fsync != null) {
            double fsyncRate = limits.getOrDefault("fsync/s (one writer)", Double.NaN);
            double grouped = limits.getOrDefault("Redis SET/s, fsync always, 32 clients", Double.NaN);
            out.append(String.format(Locale.ROOT, "| with-lock, Redlock(5), appendfsync always, vs the disk | %.0f/s; disk %.0f fsync/s one writer,"
                            + " Redis SET with fsync always %.0f/s (32 clients, group commit); %.2f purchases per fsync | info |%n",
                    fsync.probe().throughput(), fsyncRate, grouped, fsync.probe().throughput() / fsyncRate));
        }
        if (hot != null) {
            target(out, "hot product, 100 ms: lock utilisation >= 90 %", String.format(Locale.ROOT, "%.0f %%", 100 * hotUtilisation),
                    hotUtilisation >= 0.9);
        }
        long unexpected = rows.stream().mapToLong(r -> r.load().unexpected()).sum();
        StringBuilder where = new StringBuilder();
        rows.stream().filter(r -> r.load().unexpected() > 0).forEach(r -> where.append("; ").append(r.config()).append(" ")
                .append(r.scenario()).append(": ").append(r.load().statusSummary()));
        target(out, "no answer other than 200/400 below saturation (70 % runs)", unexpected + where.toString(), unexpected == 0);
        long missing = rows.stream().mapToLong(r -> r.probe().retryAfterMissing() + r.load().retryAfterMissing()).sum()
                + (hot == null ? 0 : hot.retryAfterMissing());
        target(out, "every 409/503 carries Retry-After", missing + " without", missing == 0);
        return out.toString();
    }

    private static void target(StringBuilder out, String name, String figure, boolean holds) {
        out.append("| ").append(name).append(" | ").append(figure).append(" | ").append(holds ? "holds" : "MISSED").append(" |\n");
    }

    private String plot() {
        List<Plot.Bar> bars = new ArrayList<>();
        for (Row row : rows) {
            bars.add(new Plot.Bar(row.config() + " | " + row.scenario(), row.probe().throughput(), row.load().millis(50), row.load().millis(99)));
        }
        return Plot.svg("scripts/load.sh, " + LocalDate.now() + (quick ? " (--quick)" : ""), bars);
    }

    private void say(String line) {
        System.out.println("[load] " + line);
    }

    /** Pauses without checked exceptions. */
    static final class ProcessRecordSleep {
        private ProcessRecordSleep() {
        }

        static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
