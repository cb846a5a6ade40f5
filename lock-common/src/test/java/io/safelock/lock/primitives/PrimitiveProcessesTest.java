package io.safelock.lock.primitives;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each primitive across three worker JVMs on Redlock over five real nodes: after some progress one JVM
 * is SIGKILLed (holding or waiting), then two of the five nodes are SIGKILLed; the other two JVMs must
 * still finish every operation, and the history checker must find no violation (never a writer with
 * anyone; never more than N permits, each slot one holder at a time; fair-lock grants in ticket order,
 * tickets in arrival order; fencing tokens rising across excluded holders). Single node: the same
 * without faults.
 */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(5)
class PrimitiveProcessesTest {

    static final int THREADS = 4;
    static final int OPS = 12;
    static final int PERMITS = 3;
    static final long HEARTBEAT_MS = 1000;

    @Test
    void readWriteLockSurvivesAKilledProcessAndTwoDeadNodes(RedisNodes nodes) throws Exception {
        PrimitiveHistory history = runWithFaults(nodes, "rw", "rwtest:redlock");
        assertThat(history.holds()).anyMatch(h -> h.side().equals("w")).anyMatch(h -> h.side().equals("r"));
        assertThat(history.readWriteViolations()).isEmpty();
    }

    @Test
    void semaphoreSurvivesAKilledProcessAndTwoDeadNodes(RedisNodes nodes) throws Exception {
        PrimitiveHistory history = runWithFaults(nodes, "sem", "semtest:redlock");
        assertThat(history.semaphoreViolations(PERMITS)).isEmpty();
    }

    @Test
    void fairLockSurvivesAKilledProcessAndTwoDeadNodes(RedisNodes nodes) throws Exception {
        PrimitiveHistory history = runWithFaults(nodes, "fair", "fairtest:redlock");
        assertThat(history.fairViolations()).isEmpty();
    }

    @Test
    void everyPrimitiveOnASingleNode(RedisNodes nodes) throws Exception {
        for (String kind : List.of("rw", "sem", "fair")) {
            Workers workers = Workers.start(kind, nodes.node(0).uri(), kind + "single:x", 2);
            PrimitiveHistory history = workers.finish(List.of(0, 1));
            assertThat(history.size()).isEqualTo(2 * THREADS * OPS);
            List<String> violations = switch (kind) {
                case "rw" -> history.readWriteViolations();
                case "sem" -> history.semaphoreViolations(PERMITS);
                default -> history.fairViolations();
            };
            assertThat(violations).as(kind).isEmpty();
        }
    }

    private static PrimitiveHistory runWithFaults(RedisNodes nodes, String kind, String name) throws Exception {
        Workers workers = Workers.start(kind, nodes.nodesProperty(), name, 3);
        try {
            workers.awaitHolds(THREADS * OPS / 2);
            workers.processes.get(2).destroyForcibly(); // SIGKILL: its holds and queue places are left to expire
            workers.awaitHolds(THREADS * OPS);
            nodes.node(1).kill();
            nodes.node(3).kill();
            int atSecondKill = workers.holdsSoFar();
            PrimitiveHistory history = workers.finish(List.of(0, 1));
            long survivors = history.holds().stream().filter(h -> h.holder().startsWith(workers.processes.get(0).pid() + "/")
                    || h.holder().startsWith(workers.processes.get(1).pid() + "/")).count();
            assertThat(survivors).as("the surviving JVMs finished every operation")
                    .isEqualTo(2 * THREADS * OPS);
            assertThat(history.size()).as("holds after two of five nodes died").isGreaterThan(atSecondKill);
            System.out.printf("%s: %d holds, %d of them outlived their lease (stalled holder), checked: the rest%n",
                    kind, history.size(), history.expiredHolds());
            return history;
        } finally {
            nodes.healAll();
        }
    }

    /** Worker JVMs running {@link PrimitiveWorkerMain}, each writing its holds to its own file. */
    static final class Workers {
        final List<Process> processes = new ArrayList<>();
        final List<Path> outputs = new ArrayList<>();
        final List<Path> logs = new ArrayList<>();

        static Workers start(String kind, String lockNodes, String name, int jvms) throws IOException {
            Workers workers = new Workers();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int i = 0; i < jvms; i++) {
                Path out = Files.createTempFile("prim-holds-", ".txt");
                Path log = Files.createTempFile("prim-worker-", ".log");
                workers.outputs.add(out);
                workers.logs.add(log);
                workers.processes.add(new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                        PrimitiveWorkerMain.class.getName(), kind, lockNodes, name, Integer.toString(THREADS),
                        Integer.toString(OPS), "2", Integer.toString(PERMITS), out.toString(), Long.toString(HEARTBEAT_MS))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            return workers;
        }

        int completed(int jvm) throws IOException {
            return (int) Files.readAllLines(outputs.get(jvm)).stream().filter(l -> !l.isBlank()).count();
        }

        int holdsSoFar() throws IOException {
            int total = 0;
            for (int i = 0; i < outputs.size(); i++) {
                total += completed(i);
            }
            return total;
        }

        void awaitHolds(int atLeast) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (holdsSoFar() < atLeast) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no progress: " + holdsSoFar() + " holds, wanted " + atLeast + "\n" + Files.readString(logs.get(0)));
                }
                Thread.sleep(20);
            }
        }

        /** Waits for the given JVMs to exit cleanly; reads every JVM's holds (a killed one's finished holds too). */
        PrimitiveHistory finish(List<Integer> mustSucceed) throws Exception {
            try {
                for (int i : mustSucceed) {
                    Process process = processes.get(i);
                    if (!process.waitFor(180, TimeUnit.SECONDS)) {
                        throw new AssertionError("worker JVM " + process.pid() + " did not finish in 180 s:\n" + Files.readString(logs.get(i)));
                    }
                    if (process.exitValue() != 0) {
                        throw new AssertionError("worker JVM " + process.pid() + " failed:\n" + Files.readString(logs.get(i)));
                    }
                }
                PrimitiveHistory history = new PrimitiveHistory();
                for (Path out : outputs) {
                    for (String line : Files.readAllLines(out)) {
                        if (!line.isBlank()) {
                            history.add(PrimitiveHistory.Hold.parse(line));
                        }
                    }
                }
                return history;
            } finally {
                for (Process p : processes) {
                    if (p.isAlive()) {
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
                for (Path p : outputs) {
                    Files.deleteIfExists(p);
                }
                for (Path p : logs) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
