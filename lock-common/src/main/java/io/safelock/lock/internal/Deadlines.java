package io.safelock.lock.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The timer thread for the library's per-request deadlines (a node's answer, a waiter's longest sleep).
 * <p>
 * Almost every such deadline is cancelled, because the answer came first; a cancelled one must then cost
 * nothing. Mutiny's shared scheduler does not work that way: it keeps a cancelled timer until its
 * deadline and then hands it, still cancelled, to a worker thread to find out that there is nothing to do,
 * two thread wake-ups per request (a third of a Redlock client's CPU when profiled). Here a cancelled
 * timer leaves the queue at once, and one that expires runs on this thread: what it runs only completes
 * a Uni with a failure, and never blocks.
 */
public final class Deadlines {

    private static final ScheduledExecutorService TIMER = create();

    private Deadlines() {
    }

    /** Use with {@code uni.ifNoItem().after(limit).on(Deadlines.timer())}. */
    public static ScheduledExecutorService timer() {
        return TIMER;
    }

    private static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "safelock-deadlines");
            thread.setDaemon(true); // shared by every lock client in the JVM; must not keep it alive
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
