package io.safelock.lock;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Too few Redis nodes answered to reach a quorum: the lock state is unknown, so nothing was granted.
 * {@link #failedNodes()} maps each failed node (host:port) to why it failed.
 */
public final class QuorumUnavailableException extends LockException {

    private final LockName lockName;
    private final Map<String, String> failedNodes;
    private final int quorum;
    private final int nodes;

    public QuorumUnavailableException(LockName lockName, int quorum, int nodes, Map<String, String> failedNodes) {
        super("Redis quorum unavailable for lock '" + lockName + "': " + (nodes - failedNodes.size()) + " of "
                + nodes + " nodes answered, " + quorum + " needed; failed: " + describe(failedNodes), null);
        this.lockName = lockName;
        this.quorum = quorum;
        this.nodes = nodes;
        this.failedNodes = Map.copyOf(failedNodes);
    }

    private static String describe(Map<String, String> failed) {
        return failed.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
    }

    @Override
    public LockName lockName() {
        return lockName;
    }

    public Map<String, String> failedNodes() {
        return failedNodes;
    }

    public int quorum() {
        return quorum;
    }

    public int nodes() {
        return nodes;
    }
}
