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

    /** The right to contend for, and then hold, one lock name in this process. Leaving twice is harmless. */
    final class Turn {
        private final String name;
        private final AtomicBoolean left = new AtomicBoolean();

        private Turn(String name) {
            this.name = name;
        }

        void leave() {
            if (left.compareAndSet(false, true)) {
                handOver(name);
            }
        }
    }

    private static final int WAITING = 0;
    private static final int HANDED = 1;
    private static final int GAVE_UP = 2;

    private static final class Waiter {
        final AtomicInteger state = new AtomicInteger(WAITING);
        UniEmitter<? super Turn> emitter;
        Turn turn;
        ScheduledFuture<?> timer;
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

    /** The turn when it comes, or null once {@code maxWait} has passed. */
    Uni<Turn> enter(String name, Duration maxWait) {
        Waiter waiter = new Waiter();
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

    private void handOver(String name) {
        while (true) {
            Waiter next;
            synchronized (this) {
                Line line = lines.get(name);
                next = line == null ? null : line.waiters.pollFirst();
                if (next == null) {
                    lines.remove(name);
                    return;
                }
            }
            if (next.state.compareAndSet(WAITING, HANDED)) {
                cancelTimer(next);
                next.turn = new Turn(name);
                next.emitter.complete(next.turn);
                return;
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
