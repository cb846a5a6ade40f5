package io.safelock.lock.internal;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The timer thread for the library's per-request deadlines (a node's answer, a waiter's longest sleep).
 * <p>
 * Almost every such deadline is cancelled, because the answer came first; a cancelled one must then cost
 * nothing. Mutiny's shared scheduler does not work that way: it keeps a cancelled timer until its
 * deadline and then hands it, still cancelled, to a worker thread to find out that there is nothing to do,
 * two thread wake-ups per request (a third of a Redlock client's CPU when profiled). Here a cancelled
 * timer leaves the queue at once, and one that expires runs on this thread: what it runs only completes
 * a Uni with a failure, and never blocks.
 * <p>
 * Not Mutiny's {@code ifNoItem().after(..).on(executor)} either: it starts the timer before the
 * subscription reaches the next step, so a deadline that passes meanwhile (a 1 ms backoff sleep on a
 * preempted thread) signals a step that has not subscribed yet, and the step takes the next item for its
 * own input (a granted lease fed to the step after the sleep). Here the timer starts inside an emitter,
 * whose subscriber is wired before any signal can reach it.
 */
public final class Deadlines {

    private static final ScheduledExecutorService TIMER = create();

    private Deadlines() {
    }

    /**
     * {@code work}'s outcome, or the failure {@code onTimeout} supplies if none came within {@code limit}
     * (then {@code work} is cancelled). A cancelled caller cancels both.
     */
    public static <T> Uni<T> within(Uni<T> work, Duration limit, Supplier<? extends Throwable> onTimeout) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<Cancellable> running = new AtomicReference<>();
            ScheduledFuture<?> timer = TIMER.schedule(() -> {
                emitter.fail(onTimeout.get());
            }, limit.toNanos(), TimeUnit.NANOSECONDS);
            emitter.onTermination(() -> {
                timer.cancel(false);
                Cancellable subscription = running.getAndSet(() -> { });
                if (subscription != null) {
                    subscription.cancel(); // a no-op once the work has settled
                }
            });
            Cancellable subscription = work.subscribe().with(emitter::complete, emitter::fail);
            if (!running.compareAndSet(null, subscription)) {
                subscription.cancel(); // terminated (timed out, cancelled) while subscribing
            }
        });
    }

    /**
     * Runs {@code action} after {@code delay} unless the returned handle is cancelled first; a cancelled
     * one leaves the timer's queue at once.
     */
    public static ScheduledFuture<?> schedule(Runnable action, Duration delay) {
        return TIMER.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
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
