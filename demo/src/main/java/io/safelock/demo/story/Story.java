package io.safelock.demo.story;

import io.safelock.demo.DemoPlan;
import io.safelock.demo.http.Http;
import io.safelock.demo.local.AdminToken;
import io.safelock.demo.local.LockNodes;
import java.io.PrintStream;
import io.safelock.demo.monitoring.PrometheusApi;
import java.time.Duration;
import java.util.Optional;

/** The whole story against running replicas: inventory, counter, Redlock faults; then the report table. */
public final class Story {

    private final DemoPlan plan;
    private final LockNodes nodes;
    private final PrintStream out;
    private Optional<PrometheusApi> prometheus = Optional.empty();

    public Story(DemoPlan plan, LockNodes nodes, PrintStream out) {
        this.plan = plan;
        this.nodes = nodes;
        this.out = out;
    }

    /** With a Prometheus scraping the replicas, the report ends with what the metrics say about the same run. */
    public Story withPrometheus(Optional<PrometheusApi> prometheus) {
        this.prometheus = prometheus;
        return this;
    }

    /** Runs every chapter; true if every guarantee held and every race showed. */
    public boolean run() throws Exception {
        Http http = new Http(Duration.ofSeconds(60), AdminToken.of(plan));
        Report report = new Report();
        Progress progress = new Progress(out);
        Purchases purchases = new Purchases(http, plan.inventoryUrls());
        Counters counters = new Counters(http, plan.counterUrls());
        long t0 = System.nanoTime();
        try {
            Warmup.run(http, purchases, counters, progress);
            new InventoryChapter(purchases, report, progress).run();
            if (!plan.counterPorts().isEmpty()) {
                new CounterChapter(counters, report, progress).run();
            }
            new LeaseChapter(nodes, plan.lockPorts(), purchases, http, report, progress).run();
            new RedlockChapter(nodes, plan.lockPorts(), purchases, counters, http, report, progress).run();
        } finally {
            progress.writeSteps(stepsFile(plan));
            report.print(out, String.format("safelock demo: %d inventory replicas (%s), %d counter replicas (%s), Redlock over %d redis-server"
                            + " nodes (%s), %.0f s", plan.inventoryPorts().size(), ports(plan.inventoryPorts()), plan.counterPorts().size(),
                    ports(plan.counterPorts()), plan.lockPorts().size(), ports(plan.lockPorts()), (System.nanoTime() - t0) / 1e9));
            out.println("RACE = the unprotected variant lost data, as it should to show the problem; PASS = the guarantee held.");
        }
        if (prometheus.isPresent()) {
            MetricsReadBack.print(prometheus.get(), (System.nanoTime() - t0) / 1e9, out);
        }
        return report.allPassed();
    }

    /** When each step of the last story began, in the run directory. */
    public static java.nio.file.Path stepsFile(DemoPlan plan) {
        return plan.runDir().resolve("story-steps.tsv");
    }

    private static String ports(java.util.List<Integer> ports) {
        return String.join(",", ports.stream().map(p -> ":" + p).toList());
    }
}
