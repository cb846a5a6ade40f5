package io.safelock.lock;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicBoolean;
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

    static <T> Uni<T> of(Uni<T> work, Runnable onCancel, Consumer<T> abandoned) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean settled = new AtomicBoolean();
            emitter.onTermination(() -> {
                if (settled.compareAndSet(false, true)) {
                    onCancel.run(); // terminated before the work settled it: the caller cancelled
                }
            });
            work.subscribe().with(
                    item -> {
                        if (settled.compareAndSet(false, true)) {
                            emitter.complete(item);
                        } else {
                            abandoned.accept(item);
                        }
                    },
                    failure -> {
                        if (settled.compareAndSet(false, true)) {
                            emitter.fail(failure);
                        }
                    });
        });
    }
}
