package io.safelock.bench;

import io.safelock.testsupport.RedisNodes;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * This library against Redisson, same run, same redis-server processes (started here on free loopback
 * ports). Prints one table and the ratios. {@code --quick} runs tiny counts (a smoke run that keeps
 * the benchmark compiling and its counter checks honest); {@code --markdown FILE} also writes the table;
 * {@code --only REGEX} runs only the scenarios whose name it finds (e.g. {@code '2 JVMs'}).
 */
public final class BenchMain {

    record Row(String scenario, String contender, double opsPerSecond, double p50, double p99, double max, String check) {
    }

    private final boolean quick;
    /** Only the scenarios whose name this finds ({@code --only REGEX}); null: all. */
    private final java.util.regex.Pattern only;
    private final long warmupMs;
    private final long measureMs;
    private final List<Row> rows = new ArrayList<>();

    BenchMain(boolean quick, java.util.regex.Pattern only) {
        this.quick = quick;
        this.only = only;
        this.warmupMs = quick ? 1_000 : 2_000;
        this.measureMs = quick ? 1_000 : 5_000;
    }

    /** Held so the setting is not collected: the per-event lock log would measure the console, not the client. */
    private static final java.util.logging.Logger LOCK_EVENTS = java.util.logging.Logger.getLogger(io.safelock.lock.metrics.LockEvents.CATEGORY);

    public static void main(String[] args) throws Exception {
        LOCK_EVENTS.setLevel(java.util.logging.Level.WARNING);
        if (args.length > 0 && args[0].equals("--worker")) {
            HotKeyWorker.main(args);
            return;
        }
        boolean quick = List.of(args).contains("--quick");
        Path markdown = null;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--markdown")) {
                markdown = Path.of(args[i + 1]);
            }
        }
        java.util.regex.Pattern only = null;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--only")) {
                only = java.util.regex.Pattern.compile(args[i + 1]);
            }
        }
        int runs = quick ? 1 : 3;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--runs")) {
                runs = Integer.parseInt(args[i + 1]);
            }
        }
        // Figures move between runs on a shared machine: several runs in a row show whether a target holds or was luck.
        StringBuilder all = new StringBuilder("Measured " + LocalDate.now() + " on " + machine() + "\n");
        List<String> verdicts = new ArrayList<>();
        boolean checks = true;
        for (int run = 1; run <= runs; run++) {
            BenchMain bench = new BenchMain(quick, only);
            List<Row> rows;
            try {
                rows = bench.runAll();
            } catch (Exception | Error e) {
                // the clients' event-loop threads would keep the JVM alive after main ends
                e.printStackTrace();
                System.exit(1);
                return;
            }
            String table = "\nRun " + run + " of " + runs + ":\n\n" + table(rows) + "\n" + bench.ratios();
            System.out.println(table);
            all.append(table);
            verdicts.add("run " + run + ": " + bench.targets());
            checks &= bench.allChecksPassed();
        }
        String summary = "\nTargets, run by run:\n" + String.join("\n", verdicts) + "\n";
        System.out.println(summary);
        if (markdown != null) {
            Files.writeString(markdown, all + summary);
        }
        System.exit(checks ? 0 : 1);
    }

    /** One scenario: its row name, whether it runs in this JVM (the two-JVM one runs in workers), and how. */
    private record Scenario(String name, boolean inProcess, Step step) {
    }

    private interface Step {
        void run() throws Exception;
    }

    List<Row> runAll() throws Exception {
        // in memory: these figures compare the clients, not the disk's fsync latency (same servers for both)
        try (RedisNodes nodes = RedisNodes.startInMemory(6)) {
            Vertx vertx = Vertx.vertx();
            RedisAPI data = RedisAPI.api(Redis.createClient(vertx, nodes.node(5).uri()));
            List<String> single = List.of(nodes.node(0).uri());
            List<String> five = nodes.uris().subList(0, 5);
            int uncontendedThreads = quick ? 2 : 8;
            int hotThreads = quick ? 4 : 16;

            String uncontendedOne = "uncontended, 1 node, " + uncontendedThreads + " threads";
            String uncontendedFive = "uncontended, Redlock(5), " + uncontendedThreads + " threads";
            String hotOne = "hot key, 1 node, 1 JVM x " + hotThreads;
            String hotTwo = "hot key, 1 node, 2 JVMs x " + hotThreads / 2;
            String hotFive = "hot key, Redlock(5), 1 JVM x " + hotThreads;
            String rw = "rw 90% reads, 1 node, " + hotThreads + " thr";
            String semaphore = "semaphore " + PrimitiveContenders.PERMITS + " permits, 1 node, " + hotThreads + " thr";
            String fair = "fair lock, hot key, 1 node, " + hotThreads + " thr";
            List<Scenario> scenarios = List.of(
                    new Scenario(uncontendedOne, true, () -> uncontended(uncontendedOne, single, uncontendedThreads)),
                    new Scenario(uncontendedFive, true, () -> uncontended(uncontendedFive, five, uncontendedThreads)),
                    new Scenario(hotOne, true, () -> hot(hotOne, single, data, hotThreads)),
                    new Scenario(hotTwo, false, () -> hotTwoJvms(hotTwo, single, nodes.node(5).uri(), data, hotThreads / 2)),
                    new Scenario(hotFive, true, () -> hot(hotFive, five, data, hotThreads)),
                    new Scenario(rw, true, () -> shared(rw, PrimitiveContenders.Kind.RW, single, hotThreads)),
                    new Scenario(semaphore, true, () -> shared(semaphore, PrimitiveContenders.Kind.SEMAPHORE, single, hotThreads)),
                    new Scenario(fair, true, () -> hotFair(fair, single, data, hotThreads)));
            List<Scenario> selected = scenarios.stream().filter(s -> only == null || only.matcher(s.name()).find()).toList();
            if (selected.isEmpty()) {
                throw new IllegalArgumentException("--only " + only + " matches none of " + scenarios.stream().map(Scenario::name).toList());
            }
            if (selected.stream().anyMatch(Scenario::inProcess)) {
                warmUp(single, five, data, uncontendedThreads, hotThreads);
            }
            for (Scenario scenario : selected) {
                progress(scenario.name());
                scenario.step().run();
            }
            data.close();
            vertx.closeAndAwait();
        }
        return rows;
    }

    /**
     * Runs every contender's uncontended and hot-key loops, unmeasured, cycle after cycle, until the JIT
     * compilers used at most 5 % of the cycle's time (within a budget). Without it the first measured row,
     * this library on one node, ran on a cold JVM while the rows after it did not.
     */
    private void warmUp(List<String> single, List<String> five, RedisAPI data, int uncontendedThreads, int hotThreads) throws Exception {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long budgetMs = quick ? 3_000 : 60_000;
        long cycleMs = quick ? 300 : 1_000;
        long started = System.currentTimeMillis();
        List<Function<List<String>, Contender>> all = new ArrayList<>(contenders());
        all.add(FloorContender::new);
        for (int cycle = 1; ; cycle++) {
            long compiledBefore = jit.getTotalCompilationTime();
            long cycleStart = System.currentTimeMillis();
            for (List<String> nodes : List.of(single, five)) {
                for (Function<List<String>, Contender> make : all) {
                    try (Contender contender = make.apply(nodes)) {
                        long now = System.currentTimeMillis();
                        Workloads.uncontended(contender, uncontendedThreads, now + cycleMs, now + cycleMs);
                        if (!(contender instanceof FloorContender)) {
                            now = System.currentTimeMillis();
                            Workloads.hotKey(contender, data, "warm-up:" + System.nanoTime(), hotThreads, now + cycleMs, now + cycleMs);
                        }
                    }
                }
            }
            long elapsed = System.currentTimeMillis() - cycleStart;
            double share = (jit.getTotalCompilationTime() - compiledBefore) / (double) elapsed;
            progress(String.format(java.util.Locale.ROOT, "warm-up cycle %d: JIT compiled %.0f %% of the cycle's time", cycle, 100 * share));
            if (share <= 0.05 || System.currentTimeMillis() - started >= budgetMs) {
                return;
            }
        }
    }

    private void uncontended(String scenario, List<String> nodes, int threads) throws Exception {
        List<Function<List<String>, Contender>> withFloor = new ArrayList<>(contenders());
        withFloor.add(FloorContender::new);
        for (Function<List<String>, Contender> make : withFloor) {
            try (Contender contender = make.apply(nodes)) {
                long from = System.currentTimeMillis() + warmupMs;
                Workloads.Run run = Workloads.uncontended(contender, threads, from, from + measureMs);
                rows.add(row(scenario, contender.name(), run, "-"));
            }
        }
    }

    private void hot(String scenario, List<String> nodes, RedisAPI data, int threads) throws Exception {
        for (Function<List<String>, Contender> make : contenders()) {
            try (Contender contender = make.apply(nodes)) {
                String key = "counter:" + System.nanoTime();
                long from = System.currentTimeMillis() + warmupMs;
                Workloads.Run run = Workloads.hotKey(contender, data, key, threads, from, from + measureMs);
                rows.add(row(scenario, contender.name(), run, check(data, key, run.totalOps())));
            }
        }
    }

    /** All threads take the same read/write lock or semaphore and release it at once; latencies are waits. */
    private void shared(String scenario, PrimitiveContenders.Kind kind, List<String> nodes, int threads) throws Exception {
        for (PrimitiveContenders.Base contender : List.of(new PrimitiveContenders.Safelock(kind, nodes),
                new PrimitiveContenders.RedissonSide(kind, nodes))) {
            try (contender) {
                long from = System.currentTimeMillis() + warmupMs;
                Workloads.Run run = Workloads.shared(contender, threads, from, from + measureMs);
                rows.add(row(scenario, contender.name(), run, contender.check()));
            }
        }
    }

    /** The hot-key counter under the fair locks: the hand-off from one holder to the next, FIFO. */
    private void hotFair(String scenario, List<String> nodes, RedisAPI data, int threads) throws Exception {
        for (Contender contender : List.of(new PrimitiveContenders.Safelock(PrimitiveContenders.Kind.FAIR, nodes),
                new PrimitiveContenders.RedissonSide(PrimitiveContenders.Kind.FAIR, nodes))) {
            try (contender) {
                String key = "counter:" + System.nanoTime();
                long from = System.currentTimeMillis() + warmupMs;
                Workloads.Run run = Workloads.hotKey(contender, data, key, threads, from, from + measureMs);
                rows.add(row(scenario, contender.name(), run, check(data, key, run.totalOps())));
            }
        }
    }

    private void hotTwoJvms(String scenario, List<String> nodes, String dataUri, RedisAPI data, int threadsPerJvm) throws Exception {
        for (String library : List.of("safelock", "redisson")) {
            String key = "counter:" + System.nanoTime();
            Path go = Files.createTempFile("bench-go-", ".txt");
            Files.delete(go);
            List<Process> workers = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Path out = Files.createTempFile("bench-worker-", ".txt");
                outputs.add(out);
                workers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-cp", System.getProperty("java.class.path"), BenchMain.class.getName(), "--worker", library,
                        String.join(",", nodes), dataUri, key, Integer.toString(threadsPerJvm), go.toString(),
                        out.toString()).inheritIO().start());
            }
            // both JVMs are connected before the clock starts, so their windows overlap exactly
            for (Path out : outputs) {
                HotKeyWorker.awaitFile(Path.of(out + ".ready"), 120_000);
            }
            long from = System.currentTimeMillis() + warmupMs;
            long until = from + measureMs;
            Path draft = Path.of(go + ".tmp");
            Files.writeString(draft, from + " " + until);
            Files.move(draft, go, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long measured = 0;
            long total = 0;
            Latencies waits = new Latencies();
            String name = library;
            for (int i = 0; i < 2; i++) {
                Process worker = workers.get(i);
                if (!worker.waitFor(until - System.currentTimeMillis() + 120_000, TimeUnit.MILLISECONDS) || worker.exitValue() != 0) {
                    worker.destroyForcibly();
                    throw new IllegalStateException(library + " worker JVM failed");
                }
                List<String> lines = Files.readAllLines(outputs.get(i));
                String[] head = lines.get(0).split(" ");
                name = head[0].replace('_', ' ');
                measured += Long.parseLong(head[1]);
                total += Long.parseLong(head[2]);
                for (int l = 1; l < lines.size(); l++) {
                    waits.add(Long.parseLong(lines.get(l)));
                }
                Files.deleteIfExists(outputs.get(i));
                Files.deleteIfExists(Path.of(outputs.get(i) + ".ready"));
            }
            Files.deleteIfExists(go);
            rows.add(row(scenario, name, new Workloads.Run(measured, total, waits), check(data, key, total)));
        }
    }

    private static List<Function<List<String>, Contender>> contenders() {
        return List.of(SafelockContender::new, RedissonContender::new);
    }

    private Row row(String scenario, String contender, Workloads.Run run, String check) {
        return new Row(scenario, contender, run.measuredOps() / (measureMs / 1000.0), run.latencies().percentileMillis(50),
                run.latencies().percentileMillis(99), run.latencies().maxMillis(), check);
    }

    private static String check(RedisAPI data, String key, long expected) {
        Response value = data.get(key).await().indefinitely();
        long actual = value == null ? 0 : value.toLong();
        return actual == expected ? "exact (" + actual + ")" : "LOST " + (expected - actual) + " of " + expected;
    }

    boolean allChecksPassed() {
        return rows.stream().noneMatch(r -> r.check().startsWith("LOST") || r.check().startsWith("VIOLATED"));
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "| %-34s | %-22s | %10s | %8s | %8s | %8s | %-16s |%n",
                "scenario", "library", "ops/s", "p50 ms", "p99 ms", "max ms", "counter"));
        out.append("|").append("-".repeat(36)).append("|").append("-".repeat(24)).append("|").append("-".repeat(12))
                .append("|").append("-".repeat(10)).append("|").append("-".repeat(10)).append("|").append("-".repeat(10))
                .append("|").append("-".repeat(18)).append("|\n");
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %-34s | %-22s | %10.0f | %8.2f | %8.2f | %8.2f | %-16s |%n",
                    r.scenario(), r.contender(), r.opsPerSecond(), r.p50(), r.p99(), r.max(), r.check()));
        }
        out.append("\nLatency columns: lock+unlock time for uncontended rows, wait for the lock for hot-key, rw and semaphore rows.\n");
        out.append("The hot-key rows of the plain lock and the fair lock on one node compare hand-off: each op is one hand-off to the next holder.\n");
        return out.toString();
    }

    String ratios() {
        StringBuilder out = new StringBuilder("Ratios (this library / Redisson, throughput; and the floor / this library where there is a floor):\n");
        for (String scenario : rows.stream().map(Row::scenario).distinct().toList()) {
            Row ours = find(scenario, "safelock");
            Row theirs = find(scenario, "Redisson");
            Row floor = find(scenario, "floor");
            out.append(String.format(Locale.ROOT, "- %-34s %5.2fx  (wait/op p99 %.2f ms vs %.2f ms)", scenario,
                    ours.opsPerSecond() / theirs.opsPerSecond(), ours.p99(), theirs.p99()));
            if (floor != null) {
                out.append(String.format(Locale.ROOT, "; floor %.0f ops/s is %.2fx this library (it runs at %.0f %% of the floor)",
                        floor.opsPerSecond(), floor.opsPerSecond() / ours.opsPerSecond(), 100 * ours.opsPerSecond() / floor.opsPerSecond()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private Row find(String scenario, String contenderPrefix) {
        return rows.stream().filter(r -> r.scenario().equals(scenario) && r.contender().startsWith(contenderPrefix)).findFirst().orElse(null);
    }

    /** The README's targets for this run, each with its figure and whether it holds. */
    String targets() {
        List<String> out = new ArrayList<>();
        List<String> scenarios = rows.stream().map(Row::scenario).distinct().toList();
        for (String scenario : scenarios) {
            Row ours = find(scenario, "safelock");
            Row theirs = find(scenario, "Redisson");
            Row floor = find(scenario, "floor");
            double ratio = ours.opsPerSecond() / theirs.opsPerSecond();
            if (scenario.startsWith("uncontended, 1 node")) {
                out.add(verdict("1 node uncontended >= 1.5x Redisson", String.format(Locale.ROOT, "%.2fx", ratio), ratio >= 1.5));
                double toFloor = floor.opsPerSecond() / ours.opsPerSecond();
                out.add(verdict("within 1.3x of the floor", String.format(Locale.ROOT, "%.2fx", toFloor), toFloor <= 1.3));
            } else if (scenario.startsWith("uncontended, Redlock")) {
                out.add(verdict("Redlock uncontended >= 3x", String.format(Locale.ROOT, "%.2fx", ratio), ratio >= 3));
            } else if (scenario.contains("2 JVMs")) {
                out.add(verdict("two-JVM hot key >= 2x, p99 <= 50 ms", String.format(Locale.ROOT, "%.2fx, p99 %.1f ms", ratio, ours.p99()),
                        ratio >= 2 && ours.p99() <= 50));
            } else if (scenario.startsWith("hot key, Redlock")) {
                out.add(verdict("Redlock hot key >= 3x", String.format(Locale.ROOT, "%.2fx", ratio), ratio >= 3));
            }
        }
        return String.join("; ", out);
    }

    private static String verdict(String target, String figure, boolean holds) {
        return target + " " + figure + (holds ? " holds" : " MISSED");
    }

    private static void progress(String what) {
        System.err.println("[bench] " + what + " ...");
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
