package io.safelock.chaos;

import io.safelock.chaos.cluster.ClockShift;
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
                    + " partitions, delay and loss skipped, process faults only");
        }
        ClockShift.Availability clock = ClockShift.prepare(options.root(), options.runDir().resolve("clock"));
        if (clock.clock() == null) {
            say.accept("clock jumps skipped: " + clock.unavailableReason());
        }
        String noLossAndDelay = noNamespaces == null ? Network.lossAndDelayUnavailableReason() : "no namespaces";
        if (noNamespaces == null && noLossAndDelay != null) {
            say.accept("delay/loss schedule skipped: " + noLossAndDelay);
        } else if (noNamespaces == null && !Network.netemAvailable()) {
            say.accept("tc netem unavailable (kernel without sch_netem): the delay/loss schedule drops packets with iptables"
                    + " and delays through the suite's proxy");
        }
        List<Schedule> all = Schedules.full(noNamespaces == null, noLossAndDelay == null, clock.clock() != null);
        List<Schedule> schedules = options.quick() ? Schedules.quick(noNamespaces == null) : all;
        if (!options.only().isEmpty()) {
            schedules = Schedules.named(all, options.only());
        }
        ClusterSpec spec = new ClusterSpec(options.root(), options.runDir(), 5, 2, 2, noNamespaces == null, LEASE_TTL, clock.clock());
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
