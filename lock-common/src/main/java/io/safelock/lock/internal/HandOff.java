package io.safelock.lock.internal;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.AbstractUni;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Hands a held resource (a lease, a hold) to a caller that may go away at any moment, so that a resource
 * nobody got is always undone instead of being left to its TTL.
 * <p>
 * A caller may cancel before the result (a client disconnect, {@code ifNoItem().after(..)}, an
 * interrupted blocking thread); a result that still comes is undone. A cancel can also cross the result
 * on its way: the subscriber marks itself cancelled, the result arrives and is dropped there, and only
 * then does the cancel travel up. Mutiny's subscribers pass a cancel up after an item only when they
 * dropped it or their whole chain is being cancelled (which gives the resource back anyway), so a cancel
 * that comes after the hand-off undoes the result too. Internal, no compatibility promise.
 */
public final class HandOff<T> implements UniSubscriber<T>, UniSubscription {

    private static final int PENDING = 0;
    private static final int DELIVERED = 1;
    private static final int CANCELLED = 2;
    private static final int UNDONE = 3;
    private static final int FAILED = 4;

    /**
     * Lock operations that must not be cut off halfway: a request already on its way to Redis will be
     * carried out there whatever the caller does. So {@code work} is never cancelled: a caller who cancels
     * is told nothing, {@code onCancel} asks the work to wind down at its next step, and its result, if it
     * still comes, goes to {@code undo}.
     */
    public static <T> Uni<T> runToEnd(Uni<T> work, Runnable onCancel, Consumer<T> undo) {
        return new AbstractUni<T>() {
            @Override
            public void subscribe(UniSubscriber<? super T> downstream) {
                HandOff<T> handOff = new HandOff<>(downstream, onCancel, undo);
                downstream.onSubscribe(handOff); // wired before anything can be delivered
                work.subscribe().withSubscriber(handOff);
            }
        };
    }

    /** {@code upstream}'s outcome; a cancel before it goes up as usual, a result nobody got goes to {@code undo}. */
    public static <T> Uni<T> cancellable(Uni<T> upstream, Consumer<T> undo) {
        return new AbstractUni<T>() {
            @Override
            public void subscribe(UniSubscriber<? super T> downstream) {
                upstream.subscribe().withSubscriber(new HandOff<>(downstream, null, undo));
            }
        };
    }

    private final UniSubscriber<? super T> downstream;
    /** Run on a cancel before the result; null: cancel upstream instead. */
    private final Runnable onCancel;
    private final Consumer<T> undo;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private volatile UniSubscription upstream;
    private volatile T delivered;

    private HandOff(UniSubscriber<? super T> downstream, Runnable onCancel, Consumer<T> undo) {
        this.downstream = downstream;
        this.onCancel = onCancel;
        this.undo = undo;
    }

    @Override
    public void onSubscribe(UniSubscription subscription) {
        upstream = subscription;
        if (onCancel == null) {
            downstream.onSubscribe(this);
        }
        // else: subscribed already, and the work is never cancelled from here
    }

    @Override
    public void onItem(T item) {
        delivered = item; // before the state says so: a cancel that sees DELIVERED finds the item
        if (state.compareAndSet(PENDING, DELIVERED)) {
            downstream.onItem(item);
        } else {
            undo.accept(item); // the caller left before it came
        }
    }

    @Override
    public void onFailure(Throwable failure) {
        if (state.compareAndSet(PENDING, FAILED)) {
            downstream.onFailure(failure);
        }
    }

    @Override
    public void cancel() {
        if (state.compareAndSet(PENDING, CANCELLED)) {
            if (onCancel != null) {
                onCancel.run();
            } else {
                upstream.cancel();
            }
        } else if (state.compareAndSet(DELIVERED, UNDONE)) {
            undo.accept(delivered); // crossed the result (dropped by the subscriber), or the caller's chain is being cancelled
        }
    }
}
