package io.safelock.load;

import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * One scenario run: what was offered, what was answered (within the window for a capacity probe), every
 * answer including those that came after the window ({@code completed}), latency from each request's due
 * time, answers by status.
 */
record Result(String scenario, double offeredPerSecond, long answered, long completed, double seconds, Histogram latencyMicros,
              Map<String, Long> statuses, Map<String, String> samples, long retryAfterMissing) {

    double throughput() {
        return seconds <= 0 ? 0 : answered / seconds;
    }

    long count(String status) {
        return statuses.getOrDefault(status, 0L);
    }

    double millis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Answers other than 200 and 400 (out of stock), the ones a caller below saturation must never see. */
    long unexpected() {
        return statuses.entrySet().stream().filter(e -> !e.getKey().equals("200") && !e.getKey().equals("400")
                && !e.getKey().equals("202") && !e.getKey().equals("not-sent")).mapToLong(Map.Entry::getValue).sum();
    }

    String statusSummary() {
        return statuses.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" "));
    }
}
