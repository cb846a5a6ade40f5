package io.safelock.lock.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import io.safelock.lock.LockName;
import io.safelock.lock.NodeSetMismatchException;
import io.safelock.lock.QuorumUnavailableException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Infrastructure failures of the lock are 503 with their own reason code; contention stays 409. */
class LockFailureTest {

    private static final LockName LOCK = LockName.of("product", "7");

    @Test
    void aNodeSetMismatchIsServiceUnavailableWithItsOwnReason() {
        LockFailure failure = LockFailure.of(new NodeSetMismatchException(LOCK, "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3",
                Map.of("127.0.0.1:1", "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3,127.0.0.1:4,127.0.0.1:5")));

        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.reason()).isEqualTo("node_set_mismatch");
        assertThat(failure.body())
                .containsEntry("reason", "node_set_mismatch")
                .containsEntry("lock", "product:7")
                .containsEntry("node_set", "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3")
                .containsEntry("other_node_sets", Map.of("127.0.0.1:1", "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3,127.0.0.1:4,127.0.0.1:5"));
        assertThat((String) failure.body().get("error")).contains("node set").doesNotContain("Exception");
        assertThat(failure.toResponse().getHeaderString("Retry-After")).isEqualTo("1");
    }

    @Test
    void aLostQuorumIsServiceUnavailable() {
        LockFailure failure = LockFailure.of(new QuorumUnavailableException(LOCK, 2, 3, Map.of("127.0.0.1:2", "timeout", "127.0.0.1:3", "connection refused")));

        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.reason()).isEqualTo("quorum_unavailable");
    }
}
