package io.safelock.lock.primitives;

import io.safelock.lock.internal.WorkGuard;

/** Handed to the work inside a {@code with…} call: the hold, its fencing token, and news of its loss. */
public final class HoldGuard extends WorkGuard {

    private final Hold hold;

    HoldGuard(Hold hold) {
        super(hold, () -> { });
        this.hold = hold;
    }

    public Hold hold() {
        return hold;
    }
}
