package io.safelock.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import java.util.concurrent.CompletableFuture;

/**
 * Plays a cancel that crosses the result on its way, step by step so it does not depend on timing: the
 * subscriber has cancelled (the cancel has not gone up yet), the result arrives and is dropped there,
 * and only then does the cancel go up. What Mutiny's own subscribers do when {@code cancel()} and the
 * item come at once on two threads.
 */
public final class CrossingCancel {

    private CrossingCancel() {
    }

    /** Subscribes that way; completes with the dropped item (or the failure, if there was no item). */
    public static <T> CompletableFuture<Object> dropAsItArrives(Uni<T> uni) {
        CompletableFuture<Object> dropped = new CompletableFuture<>();
        uni.subscribe().withSubscriber(new UniSubscriber<T>() {
            private UniSubscription subscription;

            @Override
            public void onSubscribe(UniSubscription subscription) {
                this.subscription = subscription;
            }

            @Override
            public void onItem(T item) {
                dropped.complete(item);     // dropped: this subscriber had already cancelled
                subscription.cancel();      // and now the cancel goes up
            }

            @Override
            public void onFailure(Throwable failure) {
                dropped.complete(failure);
            }
        });
        return dropped;
    }
}
