package io.safelock.lock.quarkus;

import io.safelock.lock.LeaseLostException;
import io.safelock.lock.LockBusyException;
import io.safelock.lock.LockException;
import io.safelock.lock.LockWaitTimeoutException;
import io.safelock.lock.NodeSetMismatchException;
import io.safelock.lock.QuorumUnavailableException;
import io.safelock.lock.quarkus.http.ApiError;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one HTTP answer to a lock failure, the same in every service:
 * <ul>
 * <li>{@code 409} for contention ({@code lock_busy}, {@code lock_timeout}) and a lost lease ({@code lock_lost}):
 *     another holder had the lock or took it over, nothing was written, trying again later may succeed;</li>
 * <li>{@code 503} for infrastructure: too few lock nodes answered ({@code quorum_unavailable}), or the nodes
 *     were last locked through another node list than this client's ({@code node_set_mismatch}: a configuration
 *     change in progress, nothing was granted).</li>
 * </ul>
 * Both carry {@code Retry-After}. The body is {@code {"error": text, "reason": code, "lock": name, …facts}}.
 */
public record LockFailure(int status, String reason, Map<String, Object> body) {

    public static final String LOCK_BUSY = "lock_busy";
    public static final String LOCK_TIMEOUT = "lock_timeout";
    public static final String LOCK_LOST = "lock_lost";
    public static final String QUORUM_UNAVAILABLE = "quorum_unavailable";
    public static final String NODE_SET_MISMATCH = "node_set_mismatch";

    public static LockFailure of(LockException failure) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("lock", failure.lockName().toString());
        return switch (failure) {
            case LockBusyException busy -> {
                if (!busy.heldFor().isNegative()) {
                    facts.put("held_for_ms", busy.heldFor().toMillis());
                }
                yield conflict(LOCK_BUSY, "Lock busy: " + busy.getMessage(), facts);
            }
            case LockWaitTimeoutException timeout -> {
                facts.put("waited_ms", timeout.waited().toMillis());
                facts.put("attempts", timeout.attempts());
                yield conflict(LOCK_TIMEOUT, "Lock not obtained in time: " + timeout.getMessage(), facts);
            }
            case LeaseLostException lost -> {
                facts.put("fencing_token", lost.fencingToken());
                yield conflict(LOCK_LOST, "Lock lost, nothing was written: " + lost.getMessage(), facts);
            }
            case QuorumUnavailableException quorum -> {
                facts.put("quorum", quorum.quorum());
                facts.put("nodes", quorum.nodes());
                facts.put("failed_nodes", quorum.failedNodes());
                yield unavailable(QUORUM_UNAVAILABLE, quorum.getMessage(), facts);
            }
            case NodeSetMismatchException mismatch -> {
                facts.put("node_set", mismatch.nodeSet());
                facts.put("other_node_sets", mismatch.otherNodeSets());
                yield unavailable(NODE_SET_MISMATCH, mismatch.getMessage(), facts);
            }
        };
    }

    /**
     * A write refused by the resource's fence: a later holder of the lock wrote first, so this holder's
     * lease was lost in effect. Answered like {@link LeaseLostException}.
     */
    public static LockFailure fencedOut(String message, long fencingToken) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("fencing_token", fencingToken);
        return conflict(LOCK_LOST, "Lock lost, nothing was written: " + message, facts);
    }

    private static LockFailure conflict(String reason, String message, Map<String, Object> facts) {
        return new LockFailure(409, reason, ApiError.body(message, reason, facts));
    }

    private static LockFailure unavailable(String reason, String message, Map<String, Object> facts) {
        return new LockFailure(503, reason, ApiError.body(message, reason, facts));
    }

    public jakarta.ws.rs.core.Response toResponse() {
        return ApiError.response(status, body);
    }
}
