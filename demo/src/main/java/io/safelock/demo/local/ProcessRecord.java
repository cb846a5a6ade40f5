package io.safelock.demo.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the demo knows about a process it started: PID, start time and command, kept in a pid file
 * ({@code <run dir>/pids/<name>.pid}, the PID alone on the first line). The start time tells our process
 * apart from an unrelated one that got the same PID later, so a stop never signals a stranger.
 */
public record ProcessRecord(String name, long pid, long startedAtMillis, String command) {

    public static ProcessRecord of(String name, ProcessHandle process, List<String> command) {
        long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        return new ProcessRecord(name, process.pid(), started, String.join(" ", command));
    }

    public static Optional<ProcessRecord> read(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            String name = pidFile.getFileName().toString().replaceFirst("\\.pid$", "");
            long pid = Long.parseLong(lines.get(0).trim());
            long started = Long.parseLong(value(lines, "started-at-ms=", "-1"));
            return Optional.of(new ProcessRecord(name, pid, started, value(lines, "command=", "")));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private static String value(List<String> lines, String prefix, String fallback) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst().orElse(fallback);
    }

    public void write(Path pidFile) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, pid + "\nstarted-at-ms=" + startedAtMillis + "\ncommand=" + command + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live process this record describes, if it is still the same process. */
    public Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> startedAtMillis < 0
                || p.info().startInstant().map(Instant::toEpochMilli).map(t -> Math.abs(t - startedAtMillis) < 2_000).orElse(false));
    }

    public boolean isRunning() {
        return handle().isPresent();
    }

    /** SIGTERM, then SIGKILL after {@code grace}; true if it was running. */
    public boolean stop(Duration grace) {
        Optional<ProcessHandle> process = handle();
        if (process.isEmpty()) {
            return false;
        }
        process.get().destroy();
        if (!awaitExit(process.get(), grace)) {
            process.get().destroyForcibly();
            awaitExit(process.get(), Duration.ofSeconds(10));
        }
        return true;
    }

    /** SIGKILL: a crash, no goodbye. True if it was running. */
    public boolean kill() {
        Optional<ProcessHandle> process = handle();
        if (process.isEmpty()) {
            return false;
        }
        process.get().destroyForcibly();
        awaitExit(process.get(), Duration.ofSeconds(10));
        return true;
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            sleep(50);
        }
        return !process.isAlive();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
