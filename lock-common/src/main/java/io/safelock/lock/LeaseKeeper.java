package io.safelock.lock;

import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Keeps a lease alive while work runs: extends it each time {@code renewFraction} of its TTL has
 * passed, and declares it lost when an extension is refused or the validity time runs out before an
 * extension gets through (a stalled node must not let the work run on without a lock).
 */
final class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final Vertx vertx;
    private final Lease lease;
    private final LockGuard guard;
    private final double renewFraction;
    private volatile boolean stopped;
    private long renewTimer = -1;
    private long expiryTimer = -1;

    LeaseKeeper(Vertx vertx, Lease lease, LockGuard guard, double renewFraction) {
        this.vertx = vertx;
        this.lease = lease;
        this.guard = guard;
        this.renewFraction = renewFraction;
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
        long renewIn = Math.max(1, (long) (lease.ttl().toMillis() * renewFraction));
        long expiresIn = Math.max(1, Duration.ofNanos(lease.validUntilNanos() - System.nanoTime()).toMillis());
        renewTimer = vertx.setTimer(Math.min(renewIn, expiresIn), id -> renew());
        expiryTimer = vertx.setTimer(expiresIn, id -> lose("validity time ran out before an extension succeeded"));
    }

    private void renew() {
        if (stopped) {
            return;
        }
        lease.extend(lease.ttl()).subscribe().with(
                extended -> schedule(),
                failure -> lose(failure instanceof LeaseLostException lost ? reasonOf(lost) : failure.toString()));
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
