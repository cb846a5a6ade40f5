package io.safelock.lock.internal;

import io.safelock.lock.LeaseLostException;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What {@link io.safelock.lock.LockGuard} and the primitives' guard share (internal, no compatibility promise:
 * applications use those two): the fencing token of what the work holds and news of its loss. It is extended
 * in the background while the work runs; if an extension is refused or the validity time runs out first, the
 * guard reports the loss so the work can stop before it writes.
 */
public abstract class WorkGuard {

    private final Extendable held;
    private final Runnable beforeLoss;
    private final CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();

    /** @param beforeLoss run when the loss is declared, before anyone hears of it */
    protected WorkGuard(Extendable held, Runnable beforeLoss) {
        this.held = held;
        this.beforeLoss = beforeLoss;
    }

    public long fencingToken() {
        return held.fencingToken();
    }

    public boolean isLost() {
        return lost.isDone();
    }

    /** Throws {@link LeaseLostException} if the lease has been lost; call it before each write. */
    public void ensureHeld() {
        LeaseLostException exception = lost.getNow(null);
        if (exception != null) {
            throw exception;
        }
    }

    /**
     * Emits when the lease is lost; never emits if the work finishes first. Each subscriber gets its own
     * view: cancelling it does not touch the guard.
     */
    public Uni<LeaseLostException> whenLost() {
        // a dependent stage per subscriber: cancelling it neither touches the guard nor builds an exception
        // (withLock cancels this on every successful run, so that must cost nothing)
        return Uni.createFrom().emitter(emitter -> lost.thenAccept(emitter::complete));
    }

    /** Runs {@code callback} once, when the lease is lost (at once if it already is). */
    public void onLost(Consumer<LeaseLostException> callback) {
        lost.thenAccept(callback);
    }

    boolean markLost(String reason) {
        beforeLoss.run();
        return lost.complete(new LeaseLostException(held.name(), held.fencingToken(), reason));
    }

    LeaseLostException lostException() {
        return lost.getNow(null);
    }
}
