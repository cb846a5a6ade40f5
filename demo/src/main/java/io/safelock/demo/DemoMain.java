package io.safelock.demo;

import io.safelock.demo.local.DemoCluster;
import io.safelock.demo.local.LockNodes;
import io.safelock.demo.local.Monitoring;
import io.safelock.demo.local.ProcessRecord;
import io.safelock.demo.local.Replicas;
import io.safelock.demo.monitoring.PrometheusApi;
import io.safelock.demo.story.Story;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code scripts/demo.sh} after the build: starts the lock nodes and the replicas, tells the story, stops
 * what it started. Run from the repository root: {@code java -cp 'demo/target/classes:demo/target/lib/*' io.safelock.demo.DemoMain help}.
 */
public final class DemoMain {

    private static final String USAGE = """
            Usage: scripts/demo.sh [COMMAND] [OPTIONS]
              run           (default) start lock nodes and replicas, tell the story, print the report; leave everything running
              up            start lock nodes and replicas only
              story         tell the story again against what is running
              status        what the demo started and whether it still runs
              stop          stop exactly what the demo started (PIDs recorded in .demo/pids)
              kill-node P   SIGKILL the lock node on port P;  start-node P  starts it again from its data
            Options (run, up):
              --inventory-replicas N   inventory-service replicas, ports 3000, 3001, ... (default 2)
              --counter-replicas N     counter-service replicas, ports 3100, 3101, ... (default 2; 0 = none)
              --inventory-port P, --counter-port P, --lock-port P   first port of each (default 3000, 3100, 7001)
              --monitoring             also start Prometheus on 127.0.0.1:9090 scraping every replica, with the chart's alert
                                       rules, and Grafana with the chart's dashboard if grafana-server is installed
              --prometheus-port P, --grafana-port P   (default 9090, 3300)
              --skip-build             (scripts/demo.sh only) use the jars already built
            """;

    private DemoMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("Whatever the demo had started is still running and recorded: scripts/demo.sh status, scripts/demo.sh stop");
            System.exit(1);
        }
    }

    private static int run(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = rest.isEmpty() || rest.get(0).startsWith("--") ? "run" : rest.remove(0);
        Path root = Path.of("").toAbsolutePath();
        Options options = Options.parse(rest);
        DemoPlan plan = DemoPlan.standard(root, options.inventoryReplicas, options.counterReplicas, options.inventoryPort,
                options.counterPort, options.lockPort);
        DemoCluster cluster = new DemoCluster(plan, line -> System.out.println("[demo] " + line));
        switch (command) {
            case "run", "up" -> {
                cluster.up();
                Optional<String> grafana = Optional.empty();
                if (options.monitoring) {
                    Monitoring monitoring = new Monitoring(plan, SCRAPE_INTERVAL, line -> System.out.println("[demo] " + line));
                    monitoring.startPrometheus(options.prometheusPort);
                    grafana = monitoring.startGrafanaIfInstalled(options.grafanaPort, options.prometheusPort);
                }
                boolean passed = !command.equals("run") || new Story(plan, cluster.lockNodes(), System.out)
                        .withPrometheus(prometheus(plan)).run();
                Summary.print(plan, System.out);
                Optional<String> grafanaUrl = grafana;
                prometheus(plan).ifPresent(p -> Summary.printMonitoring(p.baseUrl(), grafanaUrl, root, System.out));
                if (!passed) {
                    System.out.println();
                    System.out.println("Some steps FAILED (see the table); logs are in " + root.relativize(plan.runDir().resolve("logs")) + "/");
                }
                return passed ? 0 : 1;
            }
            case "story" -> {
                DemoPlan running = recorded(plan);
                boolean passed = new Story(running, new LockNodes(running, line -> System.out.println("[demo] " + line)), System.out)
                        .withPrometheus(prometheus(plan)).run();
                return passed ? 0 : 1;
            }
            case "status" -> {
                status(plan);
                return 0;
            }
            case "stop" -> {
                int stopped = cluster.down();
                System.out.println("[demo] stopped " + stopped + " process(es) the demo had started; PostgreSQL, RabbitMQ and Redis :6379"
                        + " were left alone. Lock node data stays in " + root.relativize(plan.runDir()) + "/ (delete it for a clean slate).");
                return 0;
            }
            case "check" -> {
                return 0; // the options parsed: scripts/demo.sh asks before it stops or builds anything
            }
            case "stop-replicas" -> {
                cluster.replicas().stopAll();
                return 0;
            }
            case "kill-node", "start-node" -> {
                int port = options.port();
                LockNodes nodes = cluster.lockNodes();
                if (command.equals("kill-node")) {
                    System.out.println("[demo] killed redis-server :" + port + " (pid " + nodes.kill(port) + ")");
                } else {
                    nodes.ensure(port);
                }
                return 0;
            }
            case "help", "-h", "--help" -> {
                System.out.print(USAGE);
                return 0;
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'");
        }
    }

    /** Scrape and rule evaluation interval of the demo's Prometheus: short, so a 30-second story draws curves. */
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(2);

    private static Optional<PrometheusApi> prometheus(DemoPlan plan) {
        return Monitoring.runningPrometheus(plan).map(PrometheusApi::new);
    }

    /** The plan as it is running: the ports of the replicas and lock nodes recorded in the run directory. */
    private static DemoPlan recorded(DemoPlan defaults) {
        List<Integer> inventory = new ArrayList<>();
        List<Integer> counter = new ArrayList<>();
        List<Integer> lock = new ArrayList<>();
        for (ProcessRecord record : DemoCluster.records(defaults)) {
            if (Monitoring.isMonitoring(record)) {
                continue;
            }
            int port = Integer.parseInt(record.name().substring(record.name().lastIndexOf('-') + 1));
            if (record.name().startsWith("redis-")) {
                lock.add(port);
            } else if (record.isRunning()) {
                (record.name().startsWith("inventory-") ? inventory : counter).add(port);
            }
        }
        if (inventory.isEmpty() || lock.size() != DemoPlan.LOCK_NODES) {
            throw new IllegalStateException("the demo is not running: start it with scripts/demo.sh");
        }
        inventory.sort(null);
        counter.sort(null);
        lock.sort(null);
        return new DemoPlan(defaults.root(), defaults.runDir(), lock, inventory, counter, Map.of(), Map.of());
    }

    private static void status(DemoPlan plan) {
        List<ProcessRecord> records = DemoCluster.records(plan);
        if (records.isEmpty()) {
            System.out.println("[demo] nothing recorded in " + plan.root().relativize(plan.runDir()) + "/pids: the demo is not running");
            return;
        }
        for (ProcessRecord record : records) {
            String port = record.name().substring(record.name().lastIndexOf('-') + 1);
            System.out.printf("%-16s pid %-8d %-8s %s%n", record.name(), record.pid(), record.isRunning() ? "running" : "stopped",
                    Replicas.isReplica(record) || Monitoring.isMonitoring(record) ? DemoPlan.url(Integer.parseInt(port)) : "redis://127.0.0.1:" + port);
        }
        prometheus(plan).ifPresent(prometheus -> {
            try {
                List<Map<String, Object>> targets = prometheus.activeTargets();
                long up = targets.stream().filter(t -> "up".equals(t.get("health"))).count();
                System.out.println("prometheus: " + up + " of " + targets.size() + " targets up; active alerts: "
                        + String.join(", ", prometheus.alerts().stream().map(a -> labels(a).get("alertname") + " (" + a.get("state") + ")").toList()));
            } catch (RuntimeException e) {
                System.out.println("prometheus: not answering (" + e.getMessage() + ")");
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labels(Map<String, Object> alert) {
        return (Map<String, Object>) alert.get("labels");
    }

    /** Command-line options; replica counts are bounded so a typo cannot start a hundred JVMs. */
    private record Options(int inventoryReplicas, int counterReplicas, int inventoryPort, int counterPort, int lockPort,
                           boolean monitoring, int prometheusPort, int grafanaPort, List<String> args) {

        static Options parse(List<String> args) {
            int inventory = 2;
            int counter = 2;
            int inventoryPort = DemoPlan.FIRST_INVENTORY_PORT;
            int counterPort = DemoPlan.FIRST_COUNTER_PORT;
            int lockPort = DemoPlan.FIRST_LOCK_PORT;
            boolean monitoring = false;
            int prometheusPort = Monitoring.DEFAULT_PROMETHEUS_PORT;
            int grafanaPort = Monitoring.DEFAULT_GRAFANA_PORT;
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--inventory-replicas" -> inventory = number(args, ++i, arg, 1, 8);
                    case "--counter-replicas" -> counter = number(args, ++i, arg, 0, 8);
                    case "--inventory-port" -> inventoryPort = number(args, ++i, arg, 1024, 65000);
                    case "--counter-port" -> counterPort = number(args, ++i, arg, 1024, 65000);
                    case "--lock-port" -> lockPort = number(args, ++i, arg, 1024, 65000);
                    case "--monitoring" -> monitoring = true;
                    case "--prometheus-port" -> prometheusPort = number(args, ++i, arg, 1024, 65000);
                    case "--grafana-port" -> grafanaPort = number(args, ++i, arg, 1024, 65000);
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        positional.add(arg);
                    }
                }
            }
            return new Options(inventory, counter, inventoryPort, counterPort, lockPort, monitoring, prometheusPort, grafanaPort,
                    positional);
        }

        int port() {
            if (args.size() != 1) {
                throw new IllegalArgumentException("give the lock node's port, e.g. 7005");
            }
            return number(args, 0, "port", 1, 65535);
        }

        private static int number(List<String> args, int i, String what, int min, int max) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(what + " needs a value");
            }
            try {
                int value = Integer.parseInt(args.get(i));
                if (value < min || value > max) {
                    throw new IllegalArgumentException(what + " must be from " + min + " to " + max + ", got " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " must be a number, got '" + args.get(i) + "'");
            }
        }
    }
}
