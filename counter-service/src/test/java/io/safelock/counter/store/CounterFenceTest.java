package io.safelock.counter.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.testsupport.RedisNodes;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The counter's fence with the service's own scripts on a real redis-server, holders played step by step
 * with explicit fencing tokens, so each interleaving is exact: a holder paused past its lease (token 5)
 * against the holder that took over (token 6), two holders with one token, a paused reset.
 */
class CounterFenceTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static RedisNodes node;
    static Vertx vertx;
    static CounterStore store;

    @BeforeAll
    static void start() {
        node = RedisNodes.startInMemory(1);
        vertx = Vertx.vertx();
        store = new CounterStore(new ScriptRunner(Redis.createClient(vertx, node.node(0).uri())), new Keys("fence-test:"));
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
        node.close();
    }

    /** A reads, B reads, B writes, A writes: A's write would overwrite B's increment with the same value. */
    @Test
    void aStaleHolderWritingAfterANewerHolderIsRefused() {
        String counter = startAt10();
        FenceClaim a = claimAndGet(counter, 5);
        FenceClaim b = claimAndGet(counter, 6);
        boolean bWrote = write(counter, b, 6);
        boolean aWrote = write(counter, a, 5);
        assertThat(aWrote).as("stale A").isFalse();
        assertThat(bWrote).isTrue();
        assertThat(value(counter)).isEqualTo(11);
    }

    /** A reads, B reads, A writes, B writes: fenced only at the write, both were accepted and the counter rose by 1. */
    @Test
    void aStaleHolderWritingBetweenANewerHoldersReadAndWriteIsRefused() {
        String counter = startAt10();
        FenceClaim a = claimAndGet(counter, 5);
        FenceClaim b = claimAndGet(counter, 6);
        boolean aWrote = write(counter, a, 5);
        boolean bWrote = write(counter, b, 6);
        assertThat(aWrote).as("stale A").isFalse();
        assertThat(bWrote).isTrue();
        assertThat(value(counter) - 10).as("every accepted increment counts").isEqualTo(1);
    }

    /** Two increments, each either counted or refused: never accepted and lost. */
    @Test
    void twoIncrementsGivePlusTwoOrOneIsRefused() {
        for (List<Integer> order : List.of(List.of(5, 6, 5, 6), List.of(5, 6, 6, 5), List.of(5, 5, 6, 6), List.of(6, 5, 6, 5))) {
            String counter = startAt10();
            FenceClaim first = null;
            FenceClaim second = null;
            int accepted = 0;
            boolean[] read = new boolean[7];
            for (int token : order) {
                if (!read[token]) {
                    read[token] = true;
                    if (token == 5) {
                        first = claimAndGet(counter, 5);
                    } else {
                        second = claimAndGet(counter, 6);
                    }
                } else {
                    accepted += write(counter, token == 5 ? first : second, token) ? 1 : 0;
                }
            }
            assertThat(value(counter) - 10).as("order %s (read, then write, per token)", order).isEqualTo(accepted);
        }
    }

    @Test
    void aSecondClaimWithAnEqualTokenIsRefused() {
        String counter = startAt10();
        FenceClaim first = claimAndGet(counter, 7);
        FenceClaim second = claimAndGet(counter, 7);
        assertThat(first).isInstanceOf(FenceClaim.Claimed.class);
        assertThat(second).as("another holder presenting token 7").isEqualTo(new FenceClaim.Refused(7));
        assertThat(write(counter, first, 7)).isTrue();
        assertThat(write(counter, second, 7)).isFalse();
        assertThat(store.claim(counter, 7).await().atMost(WAIT)).isEqualTo(new FenceClaim.Refused(7));
        assertThat(value(counter)).isEqualTo(11);
    }

    @Test
    void aStaleResetCannotLowerTheFenceNorLetAStaleWriteThrough() {
        String counter = startAt10();
        FenceClaim stale = claimAndGet(counter, 6);                                  // a holder with token 6 reads, pauses
        FenceClaim newer = claimAndGet(counter, 7);                                  // the next holder, token 7
        assertThat(write(counter, newer, 7)).isTrue();
        assertThat(store.reset(counter, 5).await().atMost(WAIT))                     // a reset holder (token 5) paused past its lease
                .isEqualTo(new FenceClaim.Refused(7));
        assertThat(write(counter, stale, 6)).as("stale write after the reset").isFalse();
        assertThat(value(counter)).isEqualTo(11);
        assertThat(store.reset(counter, 8).await().atMost(WAIT)).isInstanceOf(FenceClaim.Claimed.class);
        assertThat(value(counter)).isZero();
        assertThat(write(counter, newer, 7)).as("the fence moved on to the reset's token").isFalse();
    }

    @Test
    void commandsClaimTheFenceToo() {
        String counter = startAt10();
        assertThat(store.applyOnce(counter, 1, 5, "fence-test:cmd-1:" + counter, Duration.ofMinutes(1), "r").await().atMost(WAIT).outcome())
                .isEqualTo(OnceResult.Outcome.APPLIED);
        assertThat(store.applyOnce(counter, 1, 5, "fence-test:cmd-2:" + counter, Duration.ofMinutes(1), "r").await().atMost(WAIT).outcome())
                .as("another holder with the same token").isEqualTo(OnceResult.Outcome.FENCED);
        assertThat(value(counter)).isEqualTo(11);
    }

    private static String startAt10() {
        String counter = "c-" + UUID.randomUUID();
        store.set(counter, 10).await().atMost(WAIT);
        return counter;
    }

    private static FenceClaim claimAndGet(String counter, long token) {
        return store.claimAndGet(counter, token).await().atMost(WAIT);
    }

    /** The holder's write of what it read plus one; a refused claim writes nothing. */
    private static boolean write(String counter, FenceClaim claim, long token) {
        return claim instanceof FenceClaim.Claimed claimed && store.setIfClaimed(counter, claimed.value() + 1, token).await().atMost(WAIT);
    }

    private static long value(String counter) {
        return store.get(counter).await().atMost(WAIT);
    }
}
