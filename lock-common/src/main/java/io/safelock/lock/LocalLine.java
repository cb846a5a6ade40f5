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
import java.util.function.Consumer;

/**
 * A first-come first-served line per lock name inside this process. Only the caller at the front talks
 * to Redis; the others wait here at no cost to Redis, and a release in this process hands the turn
 * straight to the next in line. So many local waiters never hammer Redis, and none of them starves.
 *
 * <p>Every change of a waiter (handed its turn, gave up, cancelled) happens under this line's monitor,
 * so a turn is never handed to a waiter that already left, and never lost between the two.
 *
 * @param <S> what a waiter wants (so the holder before it can take the lock over on its behalf)
 * @param <G> a grant: the lock already taken over in Redis for the waiter
 */
final class LocalLine<S, G> {

    /**
     * The right to contend for, and then hold, one lock name in this process. Leaving twice is harmless.
     * A turn may arrive with a {@link #grant()}: the lock already taken over in Redis for its waiter.
     */
    final class Turn {
        private final String name;
        private final G grant;
        private final AtomicBoolean left = new AtomicBoolean();

        private Turn(String name, G grant) {
            this.name = name;
            this.grant = grant;
        }

        /** The lock taken over for this turn's waiter, or null. */
        G grant() {
            return grant;
        }

        void leave() {
            if (left.compareAndSet(false, true)) {
                pass(name, null, null);
            }
        }

        /**
         * Leaves, handing {@code grant} to the next waiter if that is {@code grantFor}; false if nobody
         * took the grant (the caller must undo it).
         */
        boolean leave(S grantFor, G grant) {
            return left.compareAndSet(false, true) && pass(name, grantFor, grant);
        }
    }

    private final class Waiter {
        final S spec;
        final UniEmitter<? super Turn> emitter;
        ScheduledFuture<?> timer;
        /** Handed a turn or gone: no longer in the line. */
        boolean done;
        /** The turn it was handed, if it was. */
        Turn turn;

        Waiter(S spec, UniEmitter<? super Turn> emitter) {
            this.spec = spec;
            this.emitter = emitter;
        }
    }

    private final class Line {
        boolean taken;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    }

    private final Map<String, Line> lines = new HashMap<>();
    private final Consumer<Turn> abandoned;

    /** @param abandoned told of a turn handed to a waiter whose subscriber had gone (it must undo a grant and leave) */
    LocalLine(Consumer<Turn> abandoned) {
        this.abandoned = abandoned;
    }

    /** The turn now, or null if someone in this process holds or is acquiring the lock. */
    synchronized Turn tryEnter(String name) {
        Line line = lines.computeIfAbsent(name, n -> new Line());
        if (line.taken) {
            return null;
        }
        line.taken = true;
        return new Turn(name, null);
    }

    /** The turn when it comes, or null once {@code maxWait} has passed or {@link #giveUp} was called. */
    Uni<Turn> enter(String name, Duration maxWait, S spec) {
        java.util.concurrent.atomic.AtomicReference<Waiter> self = new java.util.concurrent.atomic.AtomicReference<>();
        return Uni.createFrom().<Turn>emitter(emitter -> {
            Waiter waiter = new Waiter(spec, emitter);
            self.set(waiter);
            Turn now = null;
            synchronized (this) {
                Line line = lines.computeIfAbsent(name, n -> new Line());
                if (!line.taken) {
                    line.taken = true;
                    waiter.done = true;
                    now = new Turn(name, null);
                } else {
                    line.waiters.addLast(waiter);
                }
            }
            if (now != null) {
                emitter.complete(now);
                return;
            }
            ScheduledFuture<?> timer = Infrastructure.getDefaultWorkerPool().schedule(() -> giveUp(name, spec),
                    DistributedLocks.atLeastOneMilli(maxWait).toMillis(), TimeUnit.MILLISECONDS);
            synchronized (this) {
                waiter.timer = timer;
            }
        }).onCancellation().invoke(() -> {
            Waiter waiter = self.get();
            if (waiter == null) {
                return;
            }
            Turn handed;
            synchronized (this) {
                if (!waiter.done) {
                    remove(name, waiter);
                    return;
                }
                handed = waiter.turn;
            }
            if (handed != null) {
                abandoned.accept(handed); // handed over, but the subscriber had stopped listening
            }
        });
    }

    /** The waiter with {@code spec} leaves the line (its turn, should it come, is null); no-op if it has its turn. */
    void giveUp(String name, S spec) {
        Waiter gone = null;
        synchronized (this) {
            Line line = lines.get(name);
            if (line != null) {
                for (Waiter waiter : line.waiters) {
                    if (waiter.spec == spec) {
                        gone = waiter;
                        break;
                    }
                }
                if (gone != null) {
                    remove(name, gone);
                }
            }
        }
        if (gone != null) {
            gone.emitter.complete(null);
        }
    }

    /** Under the monitor: takes a waiting waiter out of the line. */
    private void remove(String name, Waiter waiter) {
        waiter.done = true;
        Line line = lines.get(name);
        if (line != null) {
            line.waiters.remove(waiter);
        }
        cancelTimer(waiter);
    }

    /** The spec of the first caller waiting for {@code name}, or null. */
    synchronized S nextWaiting(String name) {
        Line line = lines.get(name);
        Waiter first = line == null ? null : line.waiters.peekFirst();
        return first == null ? null : first.spec;
    }

    private boolean pass(String name, S grantFor, G grant) {
        Waiter next;
        Turn turn;
        boolean granted;
        synchronized (this) {
            Line line = lines.get(name);
            next = line == null ? null : line.waiters.pollFirst();
            if (next == null) {
                lines.remove(name);
                return false;
            }
            granted = grant != null && next.spec == grantFor;
            turn = new Turn(name, granted ? grant : null);
            next.done = true;
            next.turn = turn;
            cancelTimer(next);
        }
        next.emitter.complete(turn);
        return granted;
    }

    private static void cancelTimer(LocalLine<?, ?>.Waiter waiter) {
        ScheduledFuture<?> timer = waiter.timer;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
