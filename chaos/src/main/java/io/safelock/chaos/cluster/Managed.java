package io.safelock.chaos.cluster;

import io.safelock.demo.local.Detached;
import io.safelock.demo.local.ProcessRecord;
import io.safelock.testsupport.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One server process the suite started (in its host's namespace, in a session of its own): started again
 * with the same command, data and address after a crash; stopped, killed, paused and resumed by PID only.
 */
public final class Managed {

    private final String name;
    private final Host host;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path workDir;
    private final Path runDir;
    private final BooleanSupplier ready;
    private final Duration readyTimeout;
    private volatile ProcessRecord record;
    private volatile boolean paused;

    public Managed(String name, Host host, List<String> command, Map<String, String> env, Path workDir, Path runDir,
                   BooleanSupplier ready, Duration readyTimeout) {
        this.name = name;
        this.host = host;
        this.command = command;
        this.env = env;
        this.workDir = workDir;
        this.runDir = runDir;
        this.ready = ready;
        this.readyTimeout = readyTimeout;
    }

    public String name() {
        return name;
    }

    public Host host() {
        return host;
    }

    public Path log() {
        return runDir.resolve("logs").resolve(name + ".log");
    }

    public long pid() {
        ProcessRecord current = record;
        return current == null ? -1 : current.pid();
    }

    public boolean isRunning() {
        ProcessRecord current = record;
        return current != null && current.isRunning();
    }

    /** Starts the process without waiting for it. */
    public synchronized void launch() {
        if (isRunning()) {
            return;
        }
        record = Detached.start(name, host.wrap(command), env, workDir, log(), runDir.resolve("pids").resolve(name + ".pid"));
        paused = false;
    }

    /** Waits until the process is ready; fails with the end of its log if it exits or takes too long. */
    public void awaitReady() {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!isRunning()) {
                throw new IllegalStateException(name + " exited during start-up:\n" + Processes.tail(log(), 30));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready within " + readyTimeout.toSeconds() + " s:\n" + Processes.tail(log(), 30));
            }
            Shell.sleep(100);
        }
    }

    public void start() {
        launch();
        awaitReady();
    }

    /** SIGKILL of the process and everything it started (its own session's group): a crash. */
    public synchronized void kill() {
        ProcessRecord current = record;
        if (current == null || !current.isRunning()) {
            return;
        }
        Shell.signalGroup(current.pid(), "KILL");
        if (paused) {
            Shell.signalGroup(current.pid(), "CONT");
        }
        current.kill();
        paused = false;
    }

    /** SIGSTOP: the process keeps its sockets but does nothing, as in a long GC pause. */
    public synchronized void pause() {
        if (isRunning() && !paused) {
            Processes.signal(record.pid(), "STOP");
            paused = true;
        }
    }

    public synchronized void resume() {
        if (isRunning() && paused) {
            Processes.signal(record.pid(), "CONT");
            paused = false;
        }
    }

    public void restart() {
        kill();
        start();
    }

    /** SIGTERM, then SIGKILL after a grace period. */
    public synchronized void stop() {
        ProcessRecord current = record;
        if (current == null) {
            return;
        }
        if (paused) {
            Processes.signal(current.pid(), "CONT");
            paused = false;
        }
        current.stop(Duration.ofSeconds(15));
        Shell.signalGroup(current.pid(), "KILL"); // children of a server that left them behind
    }
}
