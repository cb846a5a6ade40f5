package io.safelock.lock;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Lock operations that must not be cut off halfway. A caller may cancel at any moment (a client that
 * disconnects, {@code ifNoItem().after(..)}, an interrupted blocking thread), but a request already on
 * its way to Redis will still be carried out there. So the work runs to its end regardless: the caller
 * who cancelled is told nothing, {@code onCancel} asks the work to wind down at its next step, and a
 * result that nobody wants any more (a lease granted after the caller left) goes to {@code abandoned}
 * to be undone.
 */
final class RunsToEnd {

    private RunsToEnd() {
    }

    private static final int PENDING = 0;
    private static final int DELIVERING = 1;
    private static final int DELIVERED = 2;
    private static final int CANCELLED = 3;

    static <T> Uni<T> of(Uni<T> work, Runnable onCancel, Consumer<T> abandoned) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicInteger state = new AtomicInteger(PENDING);
            AtomicReference<Thread> deliverer = new AtomicReference<>();
            emitter.onTermination(() -> {
                if (state.compareAndSet(PENDING, CANCELLED)) {
                    onCancel.run(); // terminated before the work settled it: the caller cancelled
                } else if (deliverer.get() != Thread.currentThread()) {
                    // a cancel on another thread while the item was being handed over: if the cancel won, the
                    // emitter drops the item, so it must be undone (the completion's own clean-up runs on the
                    // delivering thread and is not a cancel)
                    state.compareAndSet(DELIVERING, CANCELLED);
                }
            });
            work.subscribe().with(
                    item -> {
                        if (!state.compareAndSet(PENDING, DELIVERING)) {
                            abandoned.accept(item);
                            return;
                        }
                        deliverer.set(Thread.currentThread());
                        emitter.complete(item);
                        if (!state.compareAndSet(DELIVERING, DELIVERED)) {
                            abandoned.accept(item); // cancelled during the hand-over: nobody got it (undoing twice is harmless)
                        }
                    },
                    failure -> {
                        if (state.compareAndSet(PENDING, CANCELLED)) {
                            emitter.fail(failure);
                        }
                    });
        });
    }
}
