package io.safelock.lock.primitives;

import io.safelock.lock.LeaseLostException;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;

/** Handed to the work inside a {@code with…} call: the hold, and news of its loss. */
public final class HoldGuard {

    private final Hold hold;
    private final CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();

    HoldGuard(Hold hold) {
        this.hold = hold;
    }

    public Hold hold() {
        return hold;
    }

    public long fencingToken() {
        return hold.fencingToken();
    }

    public boolean isLost() {
        return lost.isDone();
    }

    /** Throws {@link LeaseLostException} if the hold has been lost; call it before each write. */
    public void ensureHeld() {
        LeaseLostException exception = lost.getNow(null);
        if (exception != null) {
            throw exception;
        }
    }

    /** Emits when the hold is lost; never emits if the work finishes first. */
    public Uni<LeaseLostException> whenLost() {
        return Uni.createFrom().completionStage(lost);
    }

    boolean markLost(String reason) {
        return lost.complete(new LeaseLostException(hold.name(), hold.fencingToken(), reason));
    }
}
