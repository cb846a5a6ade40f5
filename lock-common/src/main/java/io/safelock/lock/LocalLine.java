package io.safelock.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A first-come first-served line per lock name inside this process. Only the caller at the front talks
 * to Redis; the others wait here at no cost to Redis, and a release in this process hands the turn
 * straight to the next in line. So many local waiters never hammer Redis, and none of them starves.
 */
final class LocalLine {

    /**
     * The right to contend for, and then hold, one lock name in this process. Leaving twice is harmless.
     * A turn may arrive with a {@link #grant()}: the lock already taken over in Redis for its waiter.
     */
    final class Turn {
        private final String name;
        private final AtomicBoolean left = new AtomicBoolean();
        private Object grant;

        private Turn(String name) {
            this.name = name;
        }

        Object grant() {
            return grant;
        }

        void leave() {
            if (left.compareAndSet(false, true)) {
                handOver(name, null, null);
            }
        }

        /**
         * Leaves, handing {@code grant} to the next waiter if that is still the one whose spec is
         * {@code grantFor}; false if nobody took the grant (the caller must undo it).
         */
        boolean leave(Object grantFor, Object grant) {
            return left.compareAndSet(false, true) && handOver(name, grantFor, grant);
        }
    }

    private static final int WAITING = 0;
    private static final int HANDED = 1;
    private static final int GAVE_UP = 2;

    private static final class Waiter {
        final AtomicInteger state = new AtomicInteger(WAITING);
        final Object spec;
        UniEmitter<? super Turn> emitter;
        Turn turn;
        ScheduledFuture<?> timer;

        Waiter(Object spec) {
            this.spec = spec;
        }
    }

    private static final class Line {
        boolean taken;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    }

    private final Map<String, Line> lines = new HashMap<>();

    /** The turn now, or null if someone in this process holds or is acquiring the lock. */
    synchronized Turn tryEnter(String name) {
        Line line = lines.computeIfAbsent(name, n -> new Line());
        if (line.taken) {
            return null;
        }
        line.taken = true;
        return new Turn(name);
    }

    /**
     * The turn when it comes, or null once {@code maxWait} has passed. {@code spec} describes what this
     * waiter wants, so that the holder before it can take the lock over on its behalf.
     */
    Uni<Turn> enter(String name, Duration maxWait, Object spec) {
        Waiter waiter = new Waiter(spec);
        return Uni.createFrom().<Turn>emitter(emitter -> {
            waiter.emitter = emitter;
            synchronized (this) {
                Line line = lines.computeIfAbsent(name, n -> new Line());
                if (!line.taken) {
                    line.taken = true;
                    waiter.state.set(HANDED);
                } else {
                    line.waiters.addLast(waiter);
                }
            }
            if (waiter.state.get() == HANDED) {
                emitter.complete(new Turn(name));
                return;
            }
            waiter.timer = Infrastructure.getDefaultWorkerPool().schedule(() -> {
                if (waiter.state.compareAndSet(WAITING, GAVE_UP)) {
                    remove(name, waiter);
                    emitter.complete(null);
                }
            }, DistributedLocks.atLeastOneMilli(maxWait).toMillis(), TimeUnit.MILLISECONDS);
        }).onCancellation().invoke(() -> {
            if (waiter.state.compareAndSet(WAITING, GAVE_UP)) {
                remove(name, waiter);
            } else if (waiter.turn != null) {
                waiter.turn.leave(); // handed over, but the caller stopped listening first
            }
            cancelTimer(waiter);
        });
    }

    private synchronized void remove(String name, Waiter waiter) {
        Line line = lines.get(name);
        if (line != null) {
            line.waiters.remove(waiter);
        }
    }

    /** The spec of the first caller waiting for {@code name}, or null. */
    synchronized Object nextWaiting(String name) {
        Line line = lines.get(name);
        Waiter first = line == null ? null : line.waiters.peekFirst();
        return first == null || first.state.get() != WAITING ? null : first.spec;
    }

    private boolean handOver(String name, Object grantFor, Object grant) {
        while (true) {
            Waiter next;
            synchronized (this) {
                Line line = lines.get(name);
                next = line == null ? null : line.waiters.pollFirst();
                if (next == null) {
                    lines.remove(name);
                    return false;
                }
            }
            if (next.state.compareAndSet(WAITING, HANDED)) {
                cancelTimer(next);
                next.turn = new Turn(name);
                boolean granted = grant != null && next.spec == grantFor;
                if (granted) {
                    next.turn.grant = grant;
                }
                next.emitter.complete(next.turn);
                return granted;
            }
            // that waiter gave up meanwhile: offer the turn to the one behind it
        }
    }

    private static void cancelTimer(Waiter waiter) {
        ScheduledFuture<?> timer = waiter.timer;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
