package io.safelock.lock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@link LockWorkerMain} in separate JVMs on the test classpath and collects their hold records. */
final class WorkerJvms {

    private WorkerJvms() {
    }

    record Config(String lockNodes, String dataUri, String lockName, String counterKey, int threads, int increments,
                  long pauseMs, boolean useLock) {
    }

    static HoldHistory run(int jvms, Config config) throws IOException, InterruptedException {
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            for (int i = 0; i < jvms; i++) {
                Path out = Files.createTempFile("holds-", ".txt");
                Path log = Files.createTempFile("worker-", ".log");
                outputs.add(out);
                logs.add(log);
                processes.add(new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                        LockWorkerMain.class.getName(), config.lockNodes(), config.dataUri(), config.lockName(),
                        config.counterKey(), Integer.toString(config.threads()), Integer.toString(config.increments()),
                        Long.toString(config.pauseMs()), Boolean.toString(config.useLock()), out.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            HoldHistory history = new HoldHistory();
            for (int i = 0; i < jvms; i++) {
                Process process = processes.get(i);
                if (!process.waitFor(180, TimeUnit.SECONDS)) {
                    throw new AssertionError("worker JVM " + process.pid() + " did not finish in 180 s:\n" + Files.readString(logs.get(i)));
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError("worker JVM " + process.pid() + " failed:\n" + Files.readString(logs.get(i)));
                }
                for (String line : Files.readAllLines(outputs.get(i))) {
                    if (!line.isBlank()) {
                        history.add(HoldHistory.Hold.parse(line));
                    }
                }
            }
            return history;
        } finally {
            processes.forEach(p -> {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            });
            for (Path p : outputs) {
                Files.deleteIfExists(p);
            }
            for (Path p : logs) {
                Files.deleteIfExists(p);
            }
        }
    }
}
