package io.safelock.lock;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Some nodes were last locked through another list of nodes: a client configured with a different
 * {@code lock.redis.nodes} (during a rolling change of the node count, say) counts a different majority,
 * so both could hold one lock at once. Nothing was granted. The nodes forget the other list twice the
 * longest lease after its clients stop locking; see "Changing the node list" in lock-common's README.
 */
public final class NodeSetMismatchException extends LockException {

    private final LockName lockName;
    private final String nodeSet;
    private final Map<String, String> otherNodeSets;

    public NodeSetMismatchException(LockName lockName, String nodeSet, Map<String, String> otherNodeSets) {
        super("Lock '" + lockName + "' refused: this client's node set [" + nodeSet + "] differs from the node set the nodes"
                + " were locked through: " + otherNodeSets.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " has [" + e.getValue() + "]").collect(Collectors.joining(", ")), null);
        this.lockName = lockName;
        this.nodeSet = nodeSet;
        this.otherNodeSets = Map.copyOf(otherNodeSets);
    }

    @Override
    public LockName lockName() {
        return lockName;
    }

    /** This client's node set: the sorted host:port of its nodes. */
    public String nodeSet() {
        return nodeSet;
    }

    /** Node → the node set it was last locked through. */
    public Map<String, String> otherNodeSets() {
        return otherNodeSets;
    }
}
