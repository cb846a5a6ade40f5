package io.safelock.lock.internal;

import io.safelock.lock.LeaseLostException;
import io.safelock.lock.QuorumUnavailableException;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

/**
 * Keeps a lease (or a primitive's hold) alive while work runs: extends it each time {@code renewFraction}
 * of its TTL has passed, and declares it lost when an extension is refused or the validity time runs out
 * before an extension gets through (a stalled node must not let the work run on without a lock). An extension
 * that fails for want of answers (a node slow or briefly away) is tried again while validity is left:
 * one late answer must not cost a lease that has most of its time ahead of it.
 *
 * <p>Internal (no compatibility promise): the plain lock and the primitives in {@code io.safelock.lock.primitives}
 * use this same keeper; applications get it through {@code withLock} and the primitives' {@code with…} calls.
 */
public final class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final Vertx vertx;
    private final Extendable lease;
    private final WorkGuard guard;
    private final double renewFraction;
    private volatile boolean stopped;
    private long renewTimer = -1;
    private long expiryTimer = -1;

    public LeaseKeeper(Vertx vertx, Extendable lease, WorkGuard guard, double renewFraction) {
        this.vertx = vertx;
        this.lease = lease;
        this.guard = guard;
        this.renewFraction = renewFraction;
    }

    public synchronized void start() {
        schedule();
    }

    public synchronized void stop() {
        stopped = true;
        cancelTimers();
    }

    private synchronized void schedule() {
        if (stopped) {
            return;
        }
        cancelTimers();
        long renewIn = Math.max(1, (long) (lease.ttl().toMillis() * renewFraction));
        long expiresIn = Math.max(1, lease.remaining().toMillis());
        renewTimer = vertx.setTimer(Math.min(renewIn, expiresIn), id -> renew());
        expiryTimer = vertx.setTimer(expiresIn, id -> lose("validity time ran out before an extension succeeded"));
    }

    private void renew() {
        if (stopped) {
            return;
        }
        lease.extend(lease.ttl()).subscribe().with(
                extended -> schedule(),
                failure -> {
                    if (failure instanceof QuorumUnavailableException unanswered && lease.isValid()) {
                        LOG.debugf("Extension of lock %s unanswered (%s); trying again while %d ms of validity are left",
                                lease.name(), unanswered.failedNodes(), lease.remaining().toMillis());
                        retrySoon();
                    } else {
                        lose(failure instanceof LeaseLostException lost ? reasonOf(lost) : failure.toString());
                    }
                });
    }

    /** Another extension shortly; the expiry timer set by {@link #schedule()} still ends it when validity runs out. */
    private synchronized void retrySoon() {
        if (stopped) {
            return;
        }
        long pause = Math.max(5, Math.min((long) (lease.ttl().toMillis() * renewFraction / 4), lease.remaining().toMillis() / 4));
        renewTimer = vertx.setTimer(pause, id -> renew());
    }

    private void lose(String reason) {
        if (stopped) {
            return;
        }
        stop();
        if (guard.markLost(reason)) {
            LOG.warnf("Lost lock %s (fencing token %d) while work was running: %s", lease.name(), lease.fencingToken(), reason);
        }
    }

    private static String reasonOf(LeaseLostException lost) {
        String message = lost.getMessage();
        int colon = message.indexOf("lost: ");
        return colon < 0 ? message : message.substring(colon + 6);
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
