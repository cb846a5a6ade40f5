package io.safelock.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-transaction log of pgbench at a fixed rate, read the way the load benchmark reads it: the mean of
 * the latencies read from the log must be the "latency average" pgbench itself prints (which, under
 * {@code --rate}, counts from each transaction's scheduled start). Runs the real pgbench against the local
 * PostgreSQL.
 */
class PgbenchLogTest {

    @Test
    void latenciesReadFromTheLogAverageToWhatPgbenchPrints(@TempDir Path dir) throws Exception {
        String database = "load_pgbench_log_test";
        Tools.psql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        Tools.psql("postgres", "CREATE DATABASE " + database);
        try {
            Tools.psql(database, "CREATE TABLE t (id int primary key, n bigint not null); INSERT INTO t SELECT g, 0 FROM generate_series(1, 100) g");
            Path script = dir.resolve("update.sql");
            Files.writeString(script, "\\set id random(1, 100)\nUPDATE t SET n = n + 1 WHERE id = :id;\n");
            String out = Tools.run(List.of("pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-c", "4", "-j", "2", "-T", "2",
                    "-R", "500", "-l", "--log-prefix=" + dir.resolve("log"), "-f", script.toString(), database),
                    java.util.Map.of("PGPASSWORD", "postgres"), 60);
            Matcher printed = Pattern.compile("latency average = ([0-9.]+) ms").matcher(out);
            if (!printed.find()) {
                throw new AssertionError("no latency average in pgbench's output:\n" + out);
            }
            List<Long> latencies = new ArrayList<>();
            try (var logs = Files.list(dir)) {
                for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("log")).toList()) {
                    for (String line : Files.readAllLines(log)) {
                        long micros = Tools.pgbenchLatencyMicros(line);
                        if (micros >= 0) {
                            latencies.add(micros);
                        }
                    }
                }
            }
            double meanMillis = latencies.stream().mapToLong(Long::longValue).average().orElseThrow() / 1000.0;
            assertEquals(Double.parseDouble(printed.group(1)), meanMillis, 0.0015 + 0.001 * meanMillis,
                    "mean of " + latencies.size() + " logged latencies");
        } finally {
            Tools.psql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void skippedAndUnreadableLinesAreLeftOut() {
        assertEquals(848, Tools.pgbenchLatencyMicros("0 1 848 0 1796046042 858943 84"));
        assertEquals(-1, Tools.pgbenchLatencyMicros("0 2 skipped 0 1796046042 858943 5000"));
        assertEquals(-1, Tools.pgbenchLatencyMicros(""));
    }
}
