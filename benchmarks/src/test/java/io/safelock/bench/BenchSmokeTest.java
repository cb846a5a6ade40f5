package io.safelock.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark scenario with tiny counts: keeps the benchmark compiling and its counter checks
 * honest (no lost update under either library), the floor rows present. Figures from this run mean nothing; see the README.
 */
class BenchSmokeTest {

    @Test
    void everyScenarioRunsAndKeepsItsCounterExact() throws Exception {
        BenchMain bench = new BenchMain(true, null);
        List<BenchMain.Row> rows = bench.runAll();
        System.out.println(BenchMain.table(rows));
        // two libraries per lock scenario (5), plus the floor on the two uncontended ones, plus two per
        // primitive (read/write lock, semaphore, fair lock)
        assertEquals(18, rows.size());
        assertEquals(2, rows.stream().filter(r -> r.contender().startsWith("floor")).count());
        assertTrue(bench.allChecksPassed(), "a hot-key counter lost updates");
        assertTrue(rows.stream().allMatch(r -> r.opsPerSecond() > 0), "every scenario made progress");
        System.out.println(bench.ratios());
        assertTrue(bench.targets().contains("within 1.3x of the floor"), "the one-node row is read against its floor");
    }
}
