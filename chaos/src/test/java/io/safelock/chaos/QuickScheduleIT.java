package io.safelock.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short fault schedule over the whole system (5 lock nodes, 2+2 replicas, own PostgreSQL and RabbitMQ):
 * 2 lock nodes killed, lock holders paused past their lease, a replica partitioned from a majority of lock
 * nodes (or a paused node without namespaces). Every invariant must hold; the full list is scripts/chaos.sh.
 */
class QuickScheduleIT {

    @Test
    void everyInvariantHoldsUnderTheQuickSchedule() throws Exception {
        Path root = Path.of(System.getProperty("safelock.root", "..")).toAbsolutePath().normalize();
        Path runDir = Files.createTempDirectory("safelock-chaos-it-");
        Chaos.Run run = Chaos.run(new Chaos.Options(root, runDir, true, 7, List.of(), true), System.out::println);
        Path report = root.resolve("chaos/target/chaos-quick.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, run.markdown());
        System.out.println(run.markdown());
        assertThat(run.results()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(run.results()).allSatisfy(r -> assertThat(r.safe()).as(r.schedule().name() + "\n" + run.markdown()).isTrue());
        // each fault was shown to be in place as described (e.g. the paused replicas held their locks at SIGSTOP)
        assertThat(run.results()).allSatisfy(r -> assertThat(r.faultConfirmed()).as(r.schedule().name() + "\n" + run.markdown()).isTrue());
        // the workload really ran through the faults
        assertThat(run.results()).allSatisfy(r -> assertThat(r.history().stream().filter(o -> o.outcome() == io.safelock.chaos.history.Outcome.OK).count())
                .as(r.schedule().name()).isGreaterThan(10));
    }
}
