package io.safelock.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.AbstractUni;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Lock operations that must not be cut off halfway. A caller may cancel at any moment (a client that
 * disconnects, {@code ifNoItem().after(..)}, an interrupted blocking thread), but a request already on
 * its way to Redis will still be carried out there. So the work runs to its end regardless: the caller
 * who cancelled is told nothing, {@code onCancel} asks the work to wind down at its next step, and a
 * result that nobody wants any more (a lease granted after the caller left) goes to {@code abandoned}
 * to be undone.
 * <p>
 * A cancel can also cross the result on its way: the subscriber marks itself cancelled, the result
 * arrives and is dropped there, and only then does the cancel travel up to us. Mutiny subscribers stop
 * passing a cancel up once they have taken a result, so a cancel that reaches us after the result was
 * handed over means it was dropped (or that the caller's own chain is being cancelled, which releases it
 * anyway): the result is undone then too. Without that, a lease granted at the moment its caller
 * cancelled held the lock name until its TTL ran out.
 */
final class RunsToEnd<T> implements UniSubscriber<T>, UniSubscription {

    private static final int PENDING = 0;
    private static final int DELIVERED = 1;
    private static final int CANCELLED = 2;
    private static final int UNDONE = 3;
    private static final int FAILED = 4;

    static <T> Uni<T> of(Uni<T> work, Runnable onCancel, Consumer<T> abandoned) {
        return new AbstractUni<T>() {
            @Override
            public void subscribe(UniSubscriber<? super T> downstream) {
                RunsToEnd<T> handOff = new RunsToEnd<>(downstream, onCancel, abandoned);
                downstream.onSubscribe(handOff); // wired before anything can be delivered
                work.subscribe().withSubscriber(handOff);
            }
        };
    }

    private final UniSubscriber<? super T> downstream;
    private final Runnable onCancel;
    private final Consumer<T> abandoned;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private volatile T delivered;

    private RunsToEnd(UniSubscriber<? super T> downstream, Runnable onCancel, Consumer<T> abandoned) {
        this.downstream = downstream;
        this.onCancel = onCancel;
        this.abandoned = abandoned;
    }

    @Override
    public void onSubscribe(UniSubscription subscription) {
        // the work is never cancelled from here: it runs to its end
    }

    @Override
    public void onItem(T item) {
        delivered = item; // before the state says so: a cancel that sees DELIVERED finds the item
        if (state.compareAndSet(PENDING, DELIVERED)) {
            downstream.onItem(item);
        } else {
            abandoned.accept(item); // the caller left before it came
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
            onCancel.run(); // before the work settled: it winds down, and its result (if any) is undone on arrival
        } else if (state.compareAndSet(DELIVERED, UNDONE)) {
            abandoned.accept(delivered); // crossed the result (dropped by the subscriber), or the caller's chain is being cancelled
        }
    }
}
