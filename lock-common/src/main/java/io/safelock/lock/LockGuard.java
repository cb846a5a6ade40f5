package io.safelock.lock;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Handed to the work inside {@code withLock}: the lease, its fencing token, and news of its loss. The
 * lease is extended in the background while the work runs; if an extension is refused or the validity
 * time runs out first, the guard reports the loss so the work can stop before it writes.
 */
public final class LockGuard {

    private final Lease lease;
    private final CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();

    LockGuard(Lease lease) {
        this.lease = lease;
    }

    public Lease lease() {
        return lease;
    }

    public long fencingToken() {
        return lease.fencingToken();
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
        return Uni.createFrom().completionStage(() -> lost.thenApply(Function.identity()));
    }

    /** Runs {@code callback} once, when the lease is lost (at once if it already is). */
    public void onLost(Consumer<LeaseLostException> callback) {
        lost.thenAccept(callback);
    }

    boolean markLost(String reason) {
        lease.markLost();
        return lost.complete(new LeaseLostException(lease.name(), lease.fencingToken(), reason));
    }

    LeaseLostException lostException() {
        return lost.getNow(null);
    }
}
