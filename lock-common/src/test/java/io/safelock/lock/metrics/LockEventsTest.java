package io.safelock.lock.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lock event lines: one key=value line per event, in the format the chaos suite and operators parse. */
class LockEventsTest {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger category = Logger.getLogger(LockEvents.CATEGORY);
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previous;

    @BeforeEach
    void listen() {
        previous = category.getLevel();
        category.setLevel(Level.INFO);
        category.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        category.removeHandler(capture);
        category.setLevel(previous);
    }

    @Test
    void eachEventIsOneKeyValueLineAtItsLevel() {
        LockEvents.acquired("product:7", "lock", 1234L, "pod-a", 12, 3);
        LockEvents.extended("product:7", "lock", 1234L, "pod-a", 30000);
        LockEvents.released("product:7", "lock", 1234L, "pod-a", 250, true);
        LockEvents.released("product:7", "lock", 1234L, "pod-a", 40000, false);
        LockEvents.lost("product:7", "lock", 1234L, "pod-a", "extension refused");
        LockEvents.failed("product:7", "lock", "pod-a", "quorum_unavailable", 5000, -1, Map.of("redis-2:6379", "timeout"));

        assertThat(records).extracting(r -> r.getLevel().getName(), LogRecord::getMessage).containsExactly(
                org.assertj.core.groups.Tuple.tuple("INFO", "event=acquired lock=product:7 kind=lock token=1234 holder=pod-a waited_ms=12 attempts=3"),
                org.assertj.core.groups.Tuple.tuple("INFO", "event=extended lock=product:7 kind=lock token=1234 holder=pod-a ttl_ms=30000"),
                org.assertj.core.groups.Tuple.tuple("INFO", "event=released lock=product:7 kind=lock token=1234 holder=pod-a held_ms=250 owned=true"),
                org.assertj.core.groups.Tuple.tuple("INFO", "event=released lock=product:7 kind=lock token=1234 holder=pod-a held_ms=40000"
                        + " owned=false note=\"lease had expired or was taken over\""),
                org.assertj.core.groups.Tuple.tuple("WARN", "event=lost lock=product:7 kind=lock token=1234 holder=pod-a reason=\"extension refused\""),
                org.assertj.core.groups.Tuple.tuple("INFO", "event=failed lock=product:7 kind=lock holder=pod-a outcome=quorum_unavailable"
                        + " waited_ms=5000 attempts=-1 failed_nodes=redis-2:6379"));
    }

    @Test
    void turnedDownToWarnOnlyLossesRemain() {
        category.setLevel(Level.WARNING);
        LockEvents.acquired("product:7", "lock", 1L, "pod-a", 0, 1);
        LockEvents.released("product:7", "lock", 1L, "pod-a", 1, true);
        LockEvents.lost("product:7", "lock", 1L, "pod-a", "expired");

        assertThat(records).extracting(LogRecord::getMessage).containsExactly("event=lost lock=product:7 kind=lock token=1 holder=pod-a reason=\"expired\"");
    }
}
