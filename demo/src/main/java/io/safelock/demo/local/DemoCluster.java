package io.safelock.demo.local;

import io.safelock.demo.DemoPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Everything a plan runs: the lock nodes, then the replicas. Every process started is recorded in the
 * run directory, and {@link #down} stops exactly those, by PID, never by name, so the shared PostgreSQL,
 * RabbitMQ and Redis on 6379 are never touched.
 */
public final class DemoCluster {

    private final DemoPlan plan;
    private final Consumer<String> say;

    public DemoCluster(DemoPlan plan, Consumer<String> say) {
        this.plan = plan;
        this.say = say;
    }

    public LockNodes lockNodes() {
        return new LockNodes(plan, say);
    }

    public Replicas replicas() {
        return new Replicas(plan, say);
    }

    public void up() {
        lockNodes().ensureAll();
        replicas().startAll();
    }

    /** Stops the replicas first (they would only log lost lock nodes), then the lock nodes. */
    public int down() {
        int stopped = replicas().stopAll();
        for (ProcessRecord record : records(plan)) {
            if (!Replicas.isReplica(record) && record.stop(Duration.ofSeconds(10))) {
                say.accept("stopped " + record.name() + " (pid " + record.pid() + ")");
                stopped++;
            }
        }
        records(plan).forEach(record -> forget(plan, record));
        return stopped;
    }

    /** Deletes the pid file of a process that no longer runs. */
    static void forget(DemoPlan plan, ProcessRecord record) {
        if (!record.isRunning()) {
            try {
                Files.deleteIfExists(plan.pidFile(record.name()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("could not delete " + plan.pidFile(record.name()), e);
            }
        }
    }

    /** Every process recorded in the run directory, running or not, replicas first. */
    public static List<ProcessRecord> records(DemoPlan plan) {
        Path pids = plan.runDir().resolve("pids");
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        List<ProcessRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(pids)) {
            files.filter(f -> f.toString().endsWith(".pid")).sorted(Comparator.comparing(Path::toString))
                    .forEach(f -> ProcessRecord.read(f).ifPresent(records::add));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        records.sort(Comparator.comparing((ProcessRecord r) -> !Replicas.isReplica(r)).thenComparing(ProcessRecord::name));
        return records;
    }
}
