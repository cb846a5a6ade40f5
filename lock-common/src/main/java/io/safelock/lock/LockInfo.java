package io.safelock.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What the nodes say about a lock now ({@link DistributedLocks#inspect}).
 *
 * @param locked         the same holder owns the key on a quorum of nodes
 * @param owner          who holds it (null when free, or when the owner record did not reach the nodes)
 * @param since          when the holder was granted the lock (null when unknown)
 * @param timeLeft       how long the holder's lease runs without an extension (the quorum-th longest TTL)
 * @param fencingToken   the holder's fencing token (-1 when unknown)
 * @param waitingHere    callers of this process waiting for it now
 * @param othersWaiting  a caller of some process found it held since the last release (the waiting flag)
 * @param turnReserved   a waiter reserved the next turn
 * @param failedNodes    nodes that did not answer, and why
 */
public record LockInfo(LockName name, boolean locked, LockOwner owner, Instant since, Duration timeLeft, long fencingToken,
                       int waitingHere, boolean othersWaiting, boolean turnReserved, Map<String, String> failedNodes) {
}
