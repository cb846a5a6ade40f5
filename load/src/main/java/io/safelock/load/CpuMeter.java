package io.safelock.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the machine's CPU time goes, read from {@code /proc}: CPU seconds per group of processes
 * (the replicas and lock nodes this benchmark started, by PID file; PostgreSQL and RabbitMQ by command
 * name; this generator; everything else), and the JIT compiler threads' share of a JVM's CPU.
 *
 * <p>On a 2-core machine that runs the services, their database, broker and lock nodes and the load
 * generator, the physical limit of a route is CPU: {@code cores / CPU seconds per request}. The groups
 * say which process spends it.
 */
final class CpuMeter {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ; 100 on every Linux build this runs on). */
    private static final double TICKS = 100.0;

    /** CPU seconds per group since boot, and the machine's busy seconds, at one instant. */
    record Snapshot(Map<String, Double> seconds, double machineBusy) {

        /** CPU seconds per group between {@code earlier} and this snapshot; "other" is the machine's busy time not in a group. */
        Map<String, Double> since(Snapshot earlier) {
            Map<String, Double> delta = new LinkedHashMap<>();
            double grouped = 0;
            for (String group : GROUPS) {
                double d = Math.max(0, seconds.getOrDefault(group, 0.0) - earlier.seconds.getOrDefault(group, 0.0));
                delta.put(group, d);
                grouped += d;
            }
            delta.put(OTHER, Math.max(0, machineBusy - earlier.machineBusy - grouped));
            return delta;
        }
    }

    static final String INVENTORY = "inventory";
    static final String COUNTER = "counter";
    static final String LOCK_NODES = "lock nodes";
    static final String NAIVE = "naive Node.js";
    static final String POSTGRES = "PostgreSQL";
    static final String PGBENCH = "pgbench";
    static final String RABBITMQ = "RabbitMQ";
    static final String REDIS = "Redis :6379";
    static final String GENERATOR = "generator";
    static final String OTHER = "other";
    static final List<String> GROUPS = List.of(INVENTORY, COUNTER, LOCK_NODES, NAIVE, POSTGRES, PGBENCH, RABBITMQ, REDIS, GENERATOR);

    private final Path pidDir;
    private final long self = ProcessHandle.current().pid();

    CpuMeter(Path pidDir) {
        this.pidDir = pidDir;
    }

    Snapshot snapshot() {
        Map<Long, String> started = startedProcesses();
        Map<String, Double> seconds = new HashMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.forEach(dir -> {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    return;
                }
                long pid = Long.parseLong(name);
                Stat stat = Stat.read(dir.resolve("stat"));
                if (stat == null) {
                    return; // gone since the listing
                }
                String group = started.containsKey(pid) ? started.get(pid) : groupOf(pid, stat.command());
                if (group != null) {
                    seconds.merge(group, stat.cpuTicks() / TICKS, Double::sum);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return new Snapshot(seconds, machineBusySeconds());
    }

    /**
     * CPU seconds of a JVM's JIT compiler threads and of the whole process, as {@code {jit, total}}; 0s if
     * it is gone. Its compiler threads are named "C2 CompilerThread0", "C1 CompilerThread0"… (15 characters
     * of it in /proc).
     */
    static double[] jitAndTotal(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        double jit = 0;
        Stat process = Stat.read(Path.of("/proc", Long.toString(pid), "stat"));
        if (process == null) {
            return new double[] {0, 0};
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                Stat stat = Stat.read(thread.resolve("stat"));
                if (stat != null && (stat.command().startsWith("C2 Compiler") || stat.command().startsWith("C1 Compiler"))) {
                    jit += stat.cpuTicks() / TICKS;
                }
            }
        } catch (IOException e) {
            return new double[] {0, 0};
        }
        return new double[] {jit, process.cpuTicks() / TICKS};
    }

    /** The PID of each process this benchmark started (its PID files), mapped to its group. */
    private Map<Long, String> startedProcesses() {
        Map<Long, String> started = new HashMap<>();
        if (!Files.isDirectory(pidDir)) {
            return started;
        }
        try (Stream<Path> files = Files.list(pidDir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                String group = name.startsWith("inventory-") ? INVENTORY : name.startsWith("counter-") ? COUNTER
                        : name.startsWith("redis-") ? LOCK_NODES : name.startsWith("naive-") ? NAIVE : null;
                if (group != null) {
                    io.safelock.demo.local.ProcessRecord.read(file).ifPresent(r -> started.put(r.pid(), group));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + pidDir, e);
        }
        return started;
    }

    private String groupOf(long pid, String command) {
        if (pid == self) {
            return GENERATOR;
        }
        return switch (command) {
            case "postgres" -> POSTGRES;
            case "pgbench" -> PGBENCH;
            case "beam.smp", "erl_child_setup", "epmd", "inet_gethost" -> RABBITMQ;
            case "redis-server" -> REDIS;
            default -> null;
        };
    }

    /** user + nice + system + irq + softirq + steal of the machine, in seconds (the first line of /proc/stat). */
    private static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy / TICKS;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat", e);
        }
    }

    /** The command name and CPU ticks (utime + stime) of one line of /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat. */
    private record Stat(String command, long cpuTicks) {
        static Stat read(Path file) {
            String line;
            try {
                line = Files.readString(file);
            } catch (IOException | RuntimeException e) {
                return null;
            }
            // "pid (comm) state ..." — comm may itself hold spaces and parentheses: it ends at the last ')'
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            if (open < 0 || close < open) {
                return null;
            }
            String[] rest = line.substring(close + 2).split(" ");
            // rest[0] is field 3 (state); utime and stime are fields 14 and 15
            return new Stat(line.substring(open + 1, close), Long.parseLong(rest[11]) + Long.parseLong(rest[12]));
        }
    }
}
