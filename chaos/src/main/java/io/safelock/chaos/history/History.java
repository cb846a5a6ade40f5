package io.safelock.chaos.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The operations of one schedule, appended concurrently by the workers, read once the schedule is over. */
public final class History {

    private final long startNanos = System.nanoTime();
    private final AtomicLong ids = new AtomicLong();
    private final List<Op> ops = new ArrayList<>();

    /** Milliseconds since this history began, on the monotonic clock. */
    public long now() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    public long nextId() {
        return ids.incrementAndGet();
    }

    public synchronized void add(Op op) {
        ops.add(op);
    }

    /** Every operation, in order of invocation. */
    public synchronized List<Op> ops() {
        List<Op> copy = new ArrayList<>(ops);
        copy.sort(Comparator.comparingLong(Op::invokeMs).thenComparingLong(Op::id));
        return copy;
    }
}
