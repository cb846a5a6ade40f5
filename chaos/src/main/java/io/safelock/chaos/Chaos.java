package io.safelock.chaos;

import io.safelock.chaos.cluster.Cluster;
import io.safelock.chaos.cluster.ClusterSpec;
import io.safelock.chaos.cluster.Network;
import io.safelock.chaos.nemesis.Nemesis;
import io.safelock.chaos.nemesis.Schedule;
import io.safelock.chaos.nemesis.Schedules;
import io.safelock.chaos.report.Report;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Starts the cluster, runs the schedules one after another, checks each, stops everything. */
public final class Chaos {

    public static final Duration LEASE_TTL = Duration.ofSeconds(2);

    /**
     * @param only schedule names to run (empty: all of the chosen list)
     */
    public record Options(Path root, Path runDir, boolean quick, long seed, List<String> only, boolean allowNamespaces) {
    }

    public record Run(List<ScheduleResult> results, String markdown) {
        public boolean acceptable() {
            return results.stream().allMatch(ScheduleResult::acceptable);
        }
    }

    public static Run run(Options options, Consumer<String> say) {
        String noNamespaces = options.allowNamespaces() ? Network.unavailableReason() : "switched off (--no-namespaces)";
        if (noNamespaces != null) {
            say.accept("network namespaces unavailable (" + noNamespaces + "): everything on loopback,"
                    + " partitions and netem skipped, process faults only");
        }
        boolean clockJumps = Cluster.clockJumpsAvailable();
        if (!clockJumps) {
            say.accept("clock jumps skipped: libfaketime is not installed (scripts/ensure-infra.sh faketime) or redis-server"
                    + " does not start under it (libfaketime 0.9.10 with a jemalloc-linked redis-server 7.0 recurses in clock_gettime)");
        }
        String noNetem = noNamespaces == null ? Network.netemUnavailableReason() : "no namespaces";
        if (noNamespaces == null && noNetem != null) {
            say.accept("delay/loss schedule skipped: " + noNetem + " (the kernel has no sch_netem module)");
        }
        List<Schedule> all = Schedules.full(noNamespaces == null, noNetem == null, clockJumps);
        List<Schedule> schedules = options.quick() ? Schedules.quick(noNamespaces == null) : all;
        if (!options.only().isEmpty()) {
            schedules = Schedules.named(all, options.only());
        }
        ClusterSpec spec = new ClusterSpec(options.root(), options.runDir(), 5, 2, 2, noNamespaces == null, LEASE_TTL);
        List<ScheduleResult> results = new ArrayList<>();
        long started = System.nanoTime();
        try (Cluster cluster = new Cluster(spec, say)) {
            cluster.start();
            Nemesis nemesis = new Nemesis(cluster, options.seed(), LEASE_TTL, say);
            ScheduleRunner runner = new ScheduleRunner(cluster, nemesis, options.quick() ? ScheduleRunner.Timing.quick() : ScheduleRunner.Timing.full(), say);
            for (int i = 0; i < schedules.size(); i++) {
                results.add(runner.run(schedules.get(i), options.seed() + i));
            }
        }
        String header = "Chaos run of " + LocalDate.now() + ": seed " + options.seed() + ", " + (options.quick() ? "quick" : "full")
                + ", 5 lock nodes, 2 inventory + 2 counter replicas, lease TTL " + LEASE_TTL.toSeconds() + " s, "
                + (noNamespaces == null ? "network namespaces" : "loopback only (" + noNamespaces + ")") + ", "
                + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s";
        return new Run(results, Report.markdown(results, header));
    }
}
