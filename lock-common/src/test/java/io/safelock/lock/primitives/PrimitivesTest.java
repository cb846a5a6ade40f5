package io.safelock.lock.primitives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safelock.lock.CrossingCancel;
import io.safelock.lock.LockBusyException;
import io.safelock.lock.LockName;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.NodeAdmin;
import io.safelock.lock.QuorumUnavailableException;
import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The primitives' rules one by one, on Redlock over three real nodes (node 3 holds nothing of the locks). */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(3)
class PrimitivesTest {

    static final Vertx vertx = Vertx.vertx();
    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration WAIT = Duration.ofSeconds(20);

    @AfterAll
    static void closeVertx() {
        vertx.closeAndAwait();
    }

    static LockPrimitives client(RedisNodes nodes, Duration heartbeat) {
        LockSettings settings = LockSettings.builder(nodes.uris()).nodeTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofSeconds(5)).leaseTtl(TTL).build();
        return LockPrimitives.create(vertx, settings, null, heartbeat);
    }

    @Test
    void readersShareAndAWaitingWriterStopsNewReaders(RedisNodes nodes) {
        try (LockPrimitives a = client(nodes, Duration.ofSeconds(1)); LockPrimitives b = client(nodes, Duration.ofSeconds(1))) {
            LockName name = LockName.of("rwunit", "1");
            Hold r1 = a.readWrite().readLock(name, TTL, WAIT).await().indefinitely();
            Hold r2 = b.readWrite().readLock(name, TTL, WAIT).await().indefinitely();
            assertThatThrownBy(() -> b.readWrite().tryWriteLock(name, TTL).await().indefinitely()).isInstanceOf(LockBusyException.class);

            CompletableFuture<Hold> writer = b.readWrite().writeLock(name, TTL, WAIT).subscribeAsCompletionStage();
            // the waiting writer's mark refuses new readers while the first readers still hold
            awaitRefused(() -> a.readWrite().tryReadLock(name, TTL));
            assertThat(writer).isNotDone();
            r1.release().await().indefinitely();
            assertThat(writer).isNotDone();
            r2.release().await().indefinitely();
            Hold w = writer.join();
            assertThat(w.fencingToken()).isGreaterThan(r1.fencingToken()).isGreaterThan(r2.fencingToken());
            assertThatThrownBy(() -> a.readWrite().tryReadLock(name, TTL).await().indefinitely()).isInstanceOf(LockBusyException.class);
            w.release().await().indefinitely();
            Hold r3 = a.readWrite().tryReadLock(name, TTL).await().indefinitely();
            assertThat(r3.fencingToken()).isGreaterThan(w.fencingToken());
            r3.release().await().indefinitely();
        }
    }

    /**
     * A cancel that crosses the hold on its way (the subscriber has cancelled, the hold arrives and is dropped
     * there, then the cancel goes up), played in that order by hand: the hold nobody got must be given back,
     * not left to its TTL.
     */
    @Test
    void aHoldThatCrossesItsCallersCancelIsReleased(RedisNodes nodes) {
        try (LockPrimitives a = client(nodes, Duration.ofSeconds(1))) {
            LockName name = LockName.of("crossing", "fair");
            CompletableFuture<Object> dropped = CrossingCancel.dropAsItArrives(a.fair().acquire(name, TTL, WAIT));
            assertThat(dropped.join()).as("the fair lock was granted").isInstanceOf(Hold.class);

            Hold next = a.fair().acquire(name, TTL, Duration.ofSeconds(2)).await().indefinitely();
            assertThat(next.fencingToken()).isPositive();
            next.release().await().indefinitely();
        }
    }

    /**
     * A try or an acquire cancelled while its script waits on paused nodes ({@code CLIENT PAUSE WRITE} on two
     * of three, so the quorum answers only after the pause): the nodes still run the script after the pause,
     * and what it granted must be given back, not left to its TTL (5 s) for everyone else to wait out.
     */
    @Test
    void anAttemptCancelledInFlightLeavesNothingHeld(RedisNodes nodes) {
        try (LockPrimitives a = client(nodes, Duration.ofSeconds(1)); LockPrimitives b = client(nodes, Duration.ofSeconds(1));
             NodeAdmin n0 = new NodeAdmin(nodes.node(0).uri()); NodeAdmin n1 = new NodeAdmin(nodes.node(1).uri())) {
            record Case(String what, java.util.function.Function<LockPrimitives, Uni<Hold>> take) { }
            List<Case> cases = List.of(
                    new Case("tryWriteLock", p -> p.readWrite().tryWriteLock(LockName.of("inflight", "w"), TTL)),
                    new Case("writeLock", p -> p.readWrite().writeLock(LockName.of("inflight", "w2"), TTL, WAIT)),
                    new Case("semaphore tryAcquire", p -> p.semaphores().of(LockName.of("inflight", "s"), 1).tryAcquire(1, TTL)),
                    new Case("semaphore acquire", p -> p.semaphores().of(LockName.of("inflight", "s2"), 1).acquire(1, TTL, WAIT)),
                    new Case("fair tryAcquire", p -> p.fair().tryAcquire(LockName.of("inflight", "f"), TTL)),
                    new Case("fair acquire", p -> p.fair().acquire(LockName.of("inflight", "f2"), TTL, WAIT)));
            for (Case c : cases) { // connected, scripts loaded: the cancelled attempt below is on the wire at once
                c.take().apply(a).await().indefinitely().release().await().indefinitely();
            }
            for (Case c : cases) {
                n0.pause(150, "WRITE");
                n1.pause(150, "WRITE");
                io.smallrye.mutiny.subscription.Cancellable pending = c.take().apply(a).subscribe().with(hold -> { }, failure -> { });
                sleepMs(40);
                pending.cancel(); // the attempt is queued on the paused nodes and runs after the pause
                sleepMs(250);
                assertThat(n0.keys()).as("%s: nothing of the cancelled attempt is left on a paused node", c.what())
                        .noneMatch(key -> key.contains("{inflight:"));
                long start = System.nanoTime();
                Hold theirs = null;
                while (theirs == null && System.nanoTime() - start < Duration.ofSeconds(3).toNanos()) {
                    try {
                        theirs = c.take().apply(b).await().atMost(Duration.ofSeconds(3));
                    } catch (LockBusyException | io.smallrye.mutiny.TimeoutException busy) {
                        sleepMs(50);
                    }
                }
                assertThat(theirs).as("%s: another client gets it well before the cancelled attempt's TTL", c.what()).isNotNull();
                theirs.release().await().indefinitely();
            }
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A reader is refused on every try while a writer waits; the writer's mark is set by its first attempt. */
    private static void awaitRefused(java.util.function.Supplier<Uni<Hold>> tryRead) {
        for (int i = 0; i < 200; i++) {
            try {
                Hold hold = tryRead.get().await().indefinitely();
                hold.release().await().indefinitely();
            } catch (LockBusyException refused) {
                return;
            }
        }
        throw new AssertionError("new readers were never refused while a writer waited");
    }

    @Test
    void semaphoreGivesOutAtMostItsPermitsAndADeadHoldersPermitsExpire(RedisNodes nodes) throws Exception {
        try (LockPrimitives a = client(nodes, Duration.ofSeconds(1))) {
            DistributedSemaphore sem = a.semaphores().of(LockName.of("semunit", "1"), 3);
            Hold two = sem.tryAcquire(2, TTL).await().indefinitely();
            assertThat(two.permits()).isEqualTo(2);
            assertThatThrownBy(() -> sem.tryAcquire(2, TTL).await().indefinitely()).isInstanceOf(LockBusyException.class);
            Hold one = sem.tryAcquire(1, Duration.ofMillis(300)).await().indefinitely(); // its holder "dies": never released
            assertThat(one.fencingTokens().keySet()).doesNotContainAnyElementsOf(two.fencingTokens().keySet());
            assertThatThrownBy(() -> sem.acquire(1, TTL, Duration.ofMillis(100)).await().indefinitely())
                    .isInstanceOf(LockWaitTimeoutException.class);
            Hold again = sem.acquire(1, TTL, WAIT).await().indefinitely(); // the unreleased permit expired
            assertThat(again.fencingTokens()).containsOnlyKeys(one.fencingTokens().firstKey());
            assertThat(again.fencingToken()).isGreaterThan(one.fencingToken());
            assertThatThrownBy(() -> sem.tryAcquire(4)).isInstanceOf(IllegalArgumentException.class);
            two.release().await().indefinitely();
            again.release().await().indefinitely();
        }
    }

    @Test
    void withPermitsExtendsThePermitWhileWorkRuns(RedisNodes nodes) {
        try (LockPrimitives a = client(nodes, Duration.ofSeconds(1))) {
            DistributedSemaphore sem = a.semaphores().of(LockName.of("semunit", "2"), 1);
            Duration shortTtl = Duration.ofMillis(300);
            String result = sem.withPermits(1, shortTtl, WAIT, guard ->
                    Uni.createFrom().item("done").onItem().delayIt().by(Duration.ofMillis(1200))
                            .invoke(() -> guard.ensureHeld())).await().indefinitely();
            assertThat(result).isEqualTo("done");
            // released at the end: the permit is free at once
            sem.tryAcquire(1, TTL).await().indefinitely().release().await().indefinitely();
        }
    }

    @Test
    void fairLockSkipsADeadWaiterWithinItsHeartbeat(RedisNodes nodes) {
        Duration heartbeat = Duration.ofMillis(600);
        try (LockPrimitives a = client(nodes, heartbeat)) {
            LockName name = LockName.of("fairunit", "1");
            Hold first = a.fair().acquire(name, TTL, WAIT).await().indefinitely();
            // a waiter that joins the queue (ticket taken on every node) and then dies: it never renews its heartbeat
            Claim dead = new Claim(Claim.Kind.FAIR, name, "lock:", 1, 1, 0, heartbeat.toMillis());
            for (String uri : nodes.uris()) {
                RedisAPI api = RedisAPI.api(Redis.createClient(vertx, uri));
                api.eval(List.of(PrimitiveScripts.TICKET.body(), "3", dead.ticketKeys().get(0), dead.ticketKeys().get(1),
                        dead.ticketKeys().get(2), dead.waiter, Long.toString(heartbeat.toMillis()))).await().indefinitely();
                api.close();
            }
            CompletableFuture<Hold> next = a.fair().acquire(name, TTL, WAIT).subscribeAsCompletionStage();
            first.release().await().indefinitely();
            long released = System.nanoTime();
            Hold second = next.join();
            Duration skippedAfter = Duration.ofNanos(System.nanoTime() - released);
            System.out.printf("fair lock: dead waiter skipped %d ms after the release (heartbeat %d ms)%n",
                    skippedAfter.toMillis(), heartbeat.toMillis());
            assertThat(second.queueTicket()).isGreaterThan(first.queueTicket());
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            second.release().await().indefinitely();
        }
    }

    @Test
    void fairLockServesInArrivalOrder(RedisNodes nodes) {
        try (LockPrimitives a = client(nodes, Duration.ofSeconds(1)); LockPrimitives b = client(nodes, Duration.ofSeconds(1))) {
            LockName name = LockName.of("fairunit", "2");
            Hold holder = a.fair().acquire(name, TTL, WAIT).await().indefinitely();
            assertThatThrownBy(() -> b.fair().tryAcquire(name, TTL).await().indefinitely()).isInstanceOf(LockBusyException.class);
            java.util.List<CompletableFuture<Hold>> waiters = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                LockPrimitives client = i % 2 == 0 ? a : b;
                CompletableFuture<Hold> waiter = client.fair().acquire(name, TTL, WAIT).subscribeAsCompletionStage();
                waiters.add(waiter);
                awaitQueued(nodes, name, i + 1); // the next one arrives after this one is in the queue
            }
            java.util.List<Long> order = new java.util.ArrayList<>();
            holder.release().await().indefinitely();
            for (CompletableFuture<Hold> waiter : waiters) {
                Hold hold = waiter.join();
                order.add(hold.queueTicket());
                hold.release().await().indefinitely();
            }
            assertThat(order).isSorted();
        }
    }

    private static void awaitQueued(RedisNodes nodes, LockName name, int count) {
        RedisAPI api = RedisAPI.api(Redis.createClient(vertx, nodes.node(0).uri()));
        try {
            for (int i = 0; i < 1000; i++) {
                if (api.zcard("lock:{" + name.value() + "}:fair:queue").await().indefinitely().toInteger() >= count) {
                    return;
                }
                Thread.sleep(10);
            }
            throw new AssertionError("waiter " + count + " never joined the queue");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            api.close();
        }
    }

    @Test
    void withoutAQuorumEveryPrimitiveSaysSo(RedisNodes nodes) {
        try (LockPrimitives a = client(nodes, Duration.ofSeconds(1))) {
            a.semaphores().of(LockName.of("down", "0"), 1).acquire(1, TTL, WAIT).await().indefinitely().release().await().indefinitely();
            nodes.node(0).kill();
            nodes.node(1).kill();
            assertThatThrownBy(() -> a.readWrite().writeLock(LockName.of("down", "1"), TTL, WAIT).await().indefinitely())
                    .isInstanceOf(QuorumUnavailableException.class);
            assertThatThrownBy(() -> a.semaphores().of(LockName.of("down", "2"), 2).acquire(1, TTL, WAIT).await().indefinitely())
                    .isInstanceOf(QuorumUnavailableException.class);
            assertThatThrownBy(() -> a.fair().acquire(LockName.of("down", "3"), TTL, WAIT).await().indefinitely())
                    .isInstanceOf(QuorumUnavailableException.class);
        } finally {
            nodes.healAll();
        }
    }
}
