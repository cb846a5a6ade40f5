package io.safelock.demo.story;

import io.safelock.demo.monitoring.PrometheusApi;
import java.io.PrintStream;

/** After the table: what the demo's Prometheus recorded over the same run, read back through its HTTP API. */
final class MetricsReadBack {

    private MetricsReadBack() {
    }

    static void print(PrometheusApi prometheus, double storySeconds, PrintStream out) {
        try {
            // Let the last scrape after the story land, then look back over the whole run.
            Thread.sleep(5_000);
            long window = (long) Math.ceil(storySeconds) + 5;
            String w = "[" + window + "s]";
            String ns = "{namespace=\"safelock\"}";
            double acquired = prometheus.scalar("sum(increase(lock_acquire_seconds_count{namespace=\"safelock\",outcome=\"acquired\"}" + w + "))");
            double timedOut = prometheus.scalar("sum(increase(lock_acquire_seconds_count{namespace=\"safelock\",outcome=\"timeout\"}" + w + "))");
            double failed = prometheus.scalar("sum(increase(lock_acquire_seconds_count{namespace=\"safelock\",outcome=\"error\"}" + w + "))");
            double waitP99 = prometheus.scalar("histogram_quantile(0.99, sum by (le) (rate(lock_wait_seconds_bucket" + ns + w + ")))");
            double waitP50 = prometheus.scalar("histogram_quantile(0.5, sum by (le) (rate(lock_wait_seconds_bucket" + ns + w + ")))");
            double contended = prometheus.scalar("sum(increase(lock_contended_attempts_total" + ns + w + "))");
            double quorum = prometheus.scalar("sum(increase(lock_quorum_failures_total" + ns + w + "))");
            double lost = prometheus.scalar("sum(increase(lock_leases_lost_total" + ns + w + "))");
            double extended = prometheus.scalar("sum(increase(lock_extensions_total{namespace=\"safelock\",outcome=\"ok\"}" + w + "))");
            out.println();
            out.printf("Prometheus (%s) over the last %d s, from the replicas' own metrics:%n", prometheus.baseUrl(), window);
            out.printf("  acquire rate        %.1f/s (%.0f acquired, %.0f timed out waiting, %.0f failed)%n",
                    (acquired + timedOut + failed) / window, acquired, timedOut, failed);
            out.printf("  wait for the lock   p50 %.1f ms, p99 %.1f ms%n", waitP50 * 1000, waitP99 * 1000);
            out.printf("  contention ratio    %.2f (%.0f attempts found the lock taken, per %.0f acquired)%n",
                    contended / Math.max(1e-9, contended + acquired), contended, acquired);
            out.printf("  quorum failures     %.0f;  leases lost %.0f;  lease extensions %.0f%n", quorum, lost, extended);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("(Prometheus could not be read: " + e.getMessage() + ")");
        }
    }
}
