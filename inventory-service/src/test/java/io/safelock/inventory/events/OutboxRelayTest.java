package io.safelock.inventory.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.EventQueue;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import io.safelock.inventory.testing.ReceivedEvents;
import io.safelock.testsupport.http.Http;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The relay against the outbox's own hazards: events that commit late (a long transaction, a batch another
 * relay locked and gave up), and a published history that grows between vacuums.
 */
@QuarkusTest
class OutboxRelayTest {

    @TestHTTPResource("/")
    URL base;

    private final ReceivedEvents received = new ReceivedEvents();

    @Test
    void anEventOfATransactionThatCommitsLateIsPublishedOnceItCommits() throws Exception {
        long lateProduct = Products.create(10);
        long busyProduct = Products.create(100);
        UUID late = UUID.randomUUID();
        try (Connection slow = InventoryTestResource.current().database().connect()) {
            slow.setAutoCommit(false);
            insertEvent(slow, late, lateProduct);
            // while that transaction is open, purchases commit after it and are published: the relay moves on
            for (int i = 0; i < 5; i++) {
                assertThat(Http.post(base + "purchase/conditional-update/" + busyProduct + "?delayMs=0", "{}").status()).isEqualTo(200);
            }
            received.await(busyProduct, 5, Duration.ofSeconds(20));
            slow.commit();
        }
        List<EventQueue.Delivered> events = received.await(lateProduct, 1, Duration.ofSeconds(10));
        assertThat(events.get(0).eventId()).isEqualTo(late.toString());
    }

    @Test
    void aBatchAnotherRelayLockedAndReleasedUnpublishedIsPublishedAfterwards() throws Exception {
        long lockedProduct = Products.create(10);
        long busyProduct = Products.create(100);
        UUID locked = UUID.randomUUID();
        var database = InventoryTestResource.current().database();
        try (Connection other = database.connect()) {
            other.setAutoCommit(false);
            long id;
            try (Connection writer = database.connect()) {
                id = insertEvent(writer, locked, lockedProduct);
            }
            // another replica's relay has it locked (FOR UPDATE SKIP LOCKED) and is waiting for the broker ...
            try (PreparedStatement lock = other.prepareStatement("SELECT id FROM outbox_events WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, id);
                lock.executeQuery().close();
            }
            for (int i = 0; i < 5; i++) {
                assertThat(Http.post(base + "purchase/conditional-update/" + busyProduct + "?delayMs=0", "{}").status()).isEqualTo(200);
            }
            received.await(busyProduct, 5, Duration.ofSeconds(20));
            // ... and gives up without publishing (a nack, a timeout, a crash): the row is pending again
            other.rollback();
        }
        List<EventQueue.Delivered> events = received.await(lockedProduct, 1, Duration.ofSeconds(20));
        assertThat(events.get(0).eventId()).isEqualTo(locked.toString());
    }

    /**
     * Every published event leaves an entry in the pending index until VACUUM removes it (autovacuum may be
     * off or far behind: its default waits for a fifth of the table to be dead). A poll that walks those
     * entries costs more with every event ever published, on every poll, five times a second when idle:
     * about 140 index pages per poll over this history. A poll from the relay's horizon reads two or three;
     * the full scan every few seconds (for a batch a dead relay left behind) walks the history, which
     * averages a few pages more per poll.
     */
    @Test
    void anIdlePollReadsAFewIndexPagesHoweverLongThePublishedHistory() throws Exception {
        var database = InventoryTestResource.current().database();
        try (Connection history = database.connect()) {
            history.setAutoCommit(false);
            try (var statement = history.createStatement()) {
                // 50,000 events that were pending once and published since, as the relay leaves them
                statement.execute("""
                        INSERT INTO outbox_events (event_id, event_type, routing_key, payload)
                        SELECT gen_random_uuid(), 'history', 'history.none', '{}' FROM generate_series(1, 50000)""");
                statement.execute("UPDATE outbox_events SET published_at = now(), attempts = 1 WHERE event_type = 'history' AND published_at IS NULL");
            }
            history.commit();
        }
        // let the relay poll past the history once (it marks the dead entries as it goes), then measure idle polls
        Thread.sleep(1500);
        long[] before = pendingIndexUse(database);
        Thread.sleep(12_000);
        long[] after = pendingIndexUse(database);
        long polls = after[0] - before[0];
        long pages = after[1] - before[1];
        assertThat(polls).as("the relay polls while idle").isGreaterThan(20);
        assertThat((double) pages / polls).as("index pages read per poll of the pending events, on average").isLessThan(30);
    }

    /** {scans, pages read} of the pending-events index so far (statistics arrive late, both alike: hence the long window). */
    private static long[] pendingIndexUse(io.safelock.inventory.testing.TestDatabase database) throws Exception {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT s.idx_scan, io.idx_blks_hit + io.idx_blks_read FROM pg_stat_user_indexes s
                     JOIN pg_statio_user_indexes io USING (indexrelid) WHERE s.indexrelname = 'outbox_events_pending'""");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return new long[] {rows.getLong(1), rows.getLong(2)};
        }
    }

    private static long insertEvent(Connection connection, UUID eventId, long productId) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO outbox_events (event_id, event_type, routing_key, payload) VALUES (?, 'inventory.purchased', 'inventory.purchased', ?)
                RETURNING id""")) {
            insert.setObject(1, eventId);
            insert.setString(2, "{\"eventId\":\"" + eventId + "\",\"type\":\"inventory.purchased\",\"productId\":" + productId
                    + ",\"quantity\":1,\"orderId\":0,\"remainingStock\":9,\"strategy\":\"test\",\"occurredAt\":\"2026-11-30T00:00:00Z\"}");
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
