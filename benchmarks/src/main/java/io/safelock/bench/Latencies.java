package io.safelock.bench;

import java.util.Arrays;

/** Recorded nanosecond samples; percentiles by sorting (runs are short enough). */
final class Latencies {

    private long[] samples = new long[1 << 14];
    private int size;

    void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.samples[i]);
        }
    }

    int count() {
        return size;
    }

    double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100.0 * size) - 1));
        return sorted[index] / 1e6;
    }

    double maxMillis() {
        return percentileMillis(100);
    }

    long[] raw() {
        return Arrays.copyOf(samples, size);
    }

    static Latencies of(long[] raw) {
        Latencies latencies = new Latencies();
        for (long value : raw) {
            latencies.add(value);
        }
        return latencies;
    }
}
