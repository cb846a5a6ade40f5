package io.safelock.lock.primitives;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.lock.LockName;
import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisNodesExtension;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The primitives' names are chosen by their users (a report per tenant, a semaphore per customer, a fair
 * lock per counter), so a name that was taken and released must leave nothing on the nodes once its
 * short-lived keys have expired, as for the plain lock ({@code FenceSequenceTest}). Fencing must not
 * suffer for it: each name's tokens still rise from one holder to the next.
 */
@ExtendWith(RedisNodesExtension.class)
@RedisNodesExtension.Count(1)
class PrimitiveKeysTest {

    static final Vertx vertx = Vertx.vertx();
    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration WAIT = Duration.ofSeconds(10);
    static final int NAMES = 200;

    @AfterAll
    static void closeVertx() {
        vertx.closeAndAwait();
    }

    @Test
    void releasedNamesLeaveNoKeysBehind(RedisNodes nodes) throws Exception {
        LockSettings settings = LockSettings.builder(nodes.uris()).nodeTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofSeconds(5)).leaseTtl(TTL).build();
        RedisAPI admin = RedisAPI.api(Redis.createClient(vertx, nodes.node(0).uri()));
        try (LockPrimitives primitives = LockPrimitives.create(vertx, settings, null, Duration.ofMillis(300))) {
            long before = admin.dbsize().await().indefinitely().toLong();
            for (int i = 0; i < NAMES; i++) {
                LockName name = LockName.of("keys", "name-" + i);
                Hold read = primitives.readWrite().readLock(name, TTL, WAIT).await().indefinitely();
                read.release().await().indefinitely();
                Hold write = primitives.readWrite().writeLock(name, TTL, WAIT).await().indefinitely();
                write.release().await().indefinitely();
                Hold readAgain = primitives.readWrite().readLock(name, TTL, WAIT).await().indefinitely();
                readAgain.release().await().indefinitely();
                assertThat(write.fencingToken()).as("writer above the reader before it").isGreaterThan(read.fencingToken());
                assertThat(readAgain.fencingToken()).as("reader above the writer before it").isGreaterThan(write.fencingToken());

                DistributedSemaphore semaphore = primitives.semaphores().of(name, 2);
                Hold first = semaphore.acquire(2, TTL, WAIT).await().indefinitely();
                first.release().await().indefinitely();
                Hold second = semaphore.acquire(2, TTL, WAIT).await().indefinitely();
                second.release().await().indefinitely();
                for (int slot : second.fencingTokens().keySet()) {
                    assertThat(second.fencingTokens().get(slot)).as("slot %d's token rises", slot)
                            .isGreaterThan(first.fencingTokens().get(slot));
                }

                Hold fair = primitives.fair().acquire(name, TTL, WAIT).await().indefinitely();
                fair.release().await().indefinitely();
                Hold fairAgain = primitives.fair().acquire(name, TTL, WAIT).await().indefinitely();
                fairAgain.release().await().indefinitely();
                assertThat(fairAgain.fencingToken()).as("fair lock token rises").isGreaterThan(fair.fencingToken());
                assertThat(fairAgain.queueTicket()).as("a later arrival has a later ticket").isGreaterThan(fair.queueTicket());
            }
            // short-lived keys (waiting flags, queues, heartbeats) expire on their own within a few seconds
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<String> left = keys(admin);
            while (left.size() - before > 3 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                left = keys(admin);
            }
            assertThat(left.size() - before).as("keys left on the node by %d released names of every primitive: %s", NAMES,
                    left.size() > 20 ? left.subList(0, 20) + " …" : left).isLessThanOrEqualTo(3);
        } finally {
            admin.close();
        }
    }

    private static List<String> keys(RedisAPI admin) {
        List<String> keys = new ArrayList<>();
        for (Response key : admin.keys("*").await().indefinitely()) {
            keys.add(key.toString());
        }
        return keys;
    }
}
