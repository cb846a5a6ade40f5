package io.safelock.demo.local;

import io.safelock.demo.DemoPlan;
import io.safelock.testsupport.Processes;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Redlock nodes: independent {@code redis-server} masters on loopback, one directory each, persisting
 * every write before answering (AOF, fsync always) so that a node killed and restarted still has its
 * locks and fencing counters, which is what the fencing argument assumes of a node.
 */
public final class LockNodes {

    private final DemoPlan plan;
    private final Consumer<String> say;

    public LockNodes(DemoPlan plan, Consumer<String> say) {
        this.plan = plan;
        this.say = say;
    }

    public static String name(int port) {
        return "redis-" + port;
    }

    /** Starts every node that is not already running. */
    public void ensureAll() {
        plan.lockPorts().forEach(this::ensure);
    }

    public void ensure(int port) {
        Optional<ProcessRecord> running = record(port).filter(ProcessRecord::isRunning);
        if (running.isPresent() && Ports.answersPing(port)) {
            say.accept("redis-server :" + port + " already running (pid " + running.get().pid() + ")");
            return;
        }
        start(port);
    }

    public ProcessRecord start(int port) {
        if (Ports.inUse(port)) {
            throw new IllegalStateException("port " + port + " is taken by a process the demo did not start;"
                    + " stop it or choose other lock node ports (--lock-port FIRST)");
        }
        Path dir = plan.runDir().resolve(name(port));
        List<String> command = List.of(redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--daemonize", "no");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ProcessRecord record = Detached.start(name(port), command, Map.of(), dir, plan.log(name(port)), plan.pidFile(name(port)));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Ports.answersPing(port)) {
            if (!record.isRunning() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server :" + port + " did not start:\n" + Processes.tail(plan.log(name(port)), 20));
            }
            ProcessRecord.sleep(20);
        }
        say.accept("redis-server :" + port + " started (pid " + record.pid() + ", data in " + plan.root().relativize(dir) + ")");
        return record;
    }

    /** SIGKILL by the recorded PID, as a crash; returns the PID. */
    public long kill(int port) {
        ProcessRecord record = record(port).filter(ProcessRecord::isRunning)
                .orElseThrow(() -> new IllegalStateException("no running lock node recorded for port " + port));
        record.kill();
        return record.pid();
    }

    /** SIGSTOP by the recorded PID: the node keeps its connections but answers nothing, like a stalled VM. */
    public long pause(int port) {
        return signal(port, "STOP");
    }

    /** SIGCONT: a paused node carries on; keys whose TTL passed meanwhile are expired by its own clock. */
    public long resume(int port) {
        return signal(port, "CONT");
    }

    private long signal(int port, String signal) {
        ProcessRecord record = record(port).filter(ProcessRecord::isRunning)
                .orElseThrow(() -> new IllegalStateException("no running lock node recorded for port " + port));
        Processes.signal(record.pid(), signal);
        return record.pid();
    }

    public Optional<ProcessRecord> record(int port) {
        return ProcessRecord.read(plan.pidFile(name(port)));
    }

    public static String redisServer() {
        String explicit = System.getenv("REDIS_SERVER");
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/local/bin:/usr/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "redis-server"))) {
                return Path.of(dir, "redis-server").toString();
            }
        }
        throw new IllegalStateException("redis-server not found: run scripts/ensure-infra.sh redis-binary"
                + " (Debian/Ubuntu: sudo apt-get install -y redis-server) or set REDIS_SERVER");
    }
}
