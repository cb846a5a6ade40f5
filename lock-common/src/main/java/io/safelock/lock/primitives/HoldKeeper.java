package io.safelock.lock.primitives;

import io.safelock.lock.LeaseLostException;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Keeps a hold alive while work runs: extends it each time {@code renewFraction} of its TTL has passed,
 * and declares it lost when an extension is refused or the validity time runs out first.
 */
final class HoldKeeper {

    private final Vertx vertx;
    private final Hold hold;
    private final HoldGuard guard;
    private final double renewFraction;
    private final Consumer<String> onLost;
    private boolean stopped;
    private long renewTimer = -1;
    private long expiryTimer = -1;

    HoldKeeper(Vertx vertx, Hold hold, HoldGuard guard, double renewFraction, Consumer<String> onLost) {
        this.vertx = vertx;
        this.hold = hold;
        this.guard = guard;
        this.renewFraction = renewFraction;
        this.onLost = onLost;
    }

    synchronized void start() {
        schedule();
    }

    synchronized void stop() {
        stopped = true;
        cancelTimers();
    }

    private synchronized void schedule() {
        if (stopped) {
            return;
        }
        cancelTimers();
        long renewIn = Math.max(1, (long) (hold.ttl().toMillis() * renewFraction));
        long expiresIn = Math.max(1, Duration.ofNanos(hold.validUntilNanos() - System.nanoTime()).toMillis());
        renewTimer = vertx.setTimer(Math.min(renewIn, expiresIn), id -> renew());
        expiryTimer = vertx.setTimer(expiresIn, id -> lose("validity time ran out before an extension succeeded"));
    }

    private void renew() {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        hold.extend(hold.ttl()).subscribe().with(
                extended -> schedule(),
                failure -> lose(failure instanceof LeaseLostException ? failure.getMessage() : failure.toString()));
    }

    private void lose(String reason) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            cancelTimers();
        }
        if (guard.markLost(reason)) {
            onLost.accept(reason);
        }
    }

    private void cancelTimers() {
        if (renewTimer >= 0) {
            vertx.cancelTimer(renewTimer);
        }
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
        }
        renewTimer = expiryTimer = -1;
    }
}
