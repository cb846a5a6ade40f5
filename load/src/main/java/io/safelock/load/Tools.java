package io.safelock.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command-line tools the benchmark drives for the physical limits: psql, pgbench, redis-cli, redis-benchmark, pg_test_fsync. */
final class Tools {

    private Tools() {
    }

    /** Runs a command to completion and returns its standard output; fails with its output if it exits non-zero. */
    static String run(List<String> command, Map<String, String> env, long timeoutSeconds) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String psql(String database, String sql) {
        return run(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-Atq", "-c", sql),
                Map.of("PGPASSWORD", "postgres"), 120).trim();
    }

    static String redisCli(int port, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command, Map.of(), 60).trim();
    }

    /** pgbench on a custom script file: transactions (script runs) per second, excluding connection time. */
    static double pgbench(String database, Path script, int clients, int seconds, long first, long last) {
        String out = run(List.of("pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "prepared", "-c", Integer.toString(clients),
                        "-j", "2", "-T", Integer.toString(seconds), "-D", "first=" + first, "-D", "last=" + last,
                        // clients, n and tokenbase: with-lock.sql's own fencing tokens (a share of the products per client,
                        // a count per client from a base above any earlier run's)
                        "-D", "clients=" + clients, "-D", "n=0", "-D", "tokenbase=" + System.currentTimeMillis() * 1_000_000L,
                        "-f", script.toString(), database),
                Map.of("PGPASSWORD", "postgres"), seconds + 120L);
        Matcher m = Pattern.compile("tps = ([0-9.]+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no tps in pgbench output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * pgbench on a custom script file at a constant rate ({@code -R}, so a slow transaction does not hold back
     * the ones scheduled after it), every transaction logged: latency from each one's scheduled start, in
     * microseconds, the way the load generator measures from a request's due time.
     */
    static org.HdrHistogram.Histogram pgbenchAtRate(String database, Path script, int clients, int seconds, double rate, long first,
                                                    long last, Path logDir) {
        try {
            Files.createDirectories(logDir);
            try (var old = Files.list(logDir)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            String prefix = logDir.resolve("pgbench").toString();
            run(List.of("pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "prepared", "-c", Integer.toString(clients),
                            "-j", "2", "-T", Integer.toString(seconds), "-R", String.format(java.util.Locale.ROOT, "%.0f", rate),
                            "-l", "--log-prefix=" + prefix, "-D", "first=" + first, "-D", "last=" + last,
                            "-D", "clients=" + clients, "-D", "n=0", "-D", "tokenbase=" + System.currentTimeMillis() * 1_000_000L,
                            "-f", script.toString(), database),
                    Map.of("PGPASSWORD", "postgres"), seconds + 120L);
            org.HdrHistogram.Histogram latencies = new org.HdrHistogram.Histogram(TimeUnit.SECONDS.toMicros(300), 3);
            try (var logs = Files.list(logDir)) {
                for (Path log : logs.toList()) {
                    for (String line : Files.readAllLines(log)) {
                        long micros = pgbenchLatencyMicros(line);
                        if (micros >= 0) {
                            latencies.recordValue(micros);
                        }
                    }
                }
            }
            return latencies;
        } catch (IOException e) {
            throw new IllegalStateException("pgbench at a rate: " + e.getMessage(), e);
        }
    }

    /**
     * One line of pgbench's per-transaction log ({@code client_id transaction_no time script_no time_epoch
     * time_us [schedule_lag]}): the transaction's latency in microseconds, or -1 for a skipped or unreadable
     * line. Under {@code --rate} the {@code time} field already counts from the scheduled start — it equals
     * the "latency average" pgbench prints, schedule lag included — so the lag is not added again.
     */
    static long pgbenchLatencyMicros(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 6 || fields[2].equals("skipped")) {
            return -1;
        }
        try {
            return Long.parseLong(fields[2]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** redis-benchmark for one command: requests per second. */
    static double redisBenchmark(int port, String test, int clients, int requests, int pipeline) {
        String out = run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-c", Integer.toString(clients),
                "-n", Integer.toString(requests), "-P", Integer.toString(pipeline), "-t", test, "-q"), Map.of(), 300);
        Matcher m = Pattern.compile("([0-9.]+) requests per second").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no rate in redis-benchmark output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** The disk's fdatasync rate for one writer (8 kB writes), from pg_test_fsync, in the given directory. */
    static double fsyncPerSecond(Path dir, int seconds) {
        String binary = pgTestFsync();
        Path file = dir.resolve("pg_test_fsync.out");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
        String out = run(List.of(binary, "-s", Integer.toString(seconds), "-f", file.toString()), Map.of(), 30L * seconds + 60);
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover scratch file in the run directory is harmless
        }
        Matcher m = Pattern.compile("fdatasync\\s+([0-9.]+) ops/sec").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no fdatasync rate in pg_test_fsync output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static String pgTestFsync() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin/pg_test_fsync")).filter(Files::isExecutable).sorted().reduce((a, b) -> b)
                    .map(Path::toString).orElse("pg_test_fsync");
        } catch (IOException e) {
            return "pg_test_fsync";
        }
    }
}
