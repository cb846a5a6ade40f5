package io.safelock.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark scenario with tiny counts: keeps the benchmark compiling and its counter checks
 * honest (no lost update under either library). Figures from this run mean nothing; see the README.
 */
class BenchSmokeTest {

    @Test
    void everyScenarioRunsAndKeepsItsCounterExact() throws Exception {
        BenchMain bench = new BenchMain(true);
        List<BenchMain.Row> rows = bench.runAll();
        System.out.println(BenchMain.table(rows));
        assertEquals(10, rows.size());
        assertTrue(bench.allChecksPassed(), "a hot-key counter lost updates");
        assertTrue(rows.stream().allMatch(r -> r.opsPerSecond() > 0), "every scenario made progress");
    }
}
