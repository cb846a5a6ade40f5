package io.safelock.lock.internal.redis;

import io.safelock.lock.redis.LuaScript;

/**
 * The lock's server-side steps. Each runs atomically on one node, so "check the owner token, then act"
 * cannot interleave with another client.
 *
 * <p>Two node-wide keys sit beside the per-lock keys: the <b>fence sequence</b> (one per node, not one
 * per lock name, so user-chosen names leave nothing behind once released) and the <b>node set</b> the
 * node was last locked through (so clients configured with another list of nodes are refused instead
 * of counting a different quorum).
 */
public final class LockScripts {

    private LockScripts() {
    }

    /** What {@link #ACQUIRE} answers in its first field when the node was locked through another node set. */
    public static final long OTHER_NODE_SET = -1;

    /**
     * KEYS: lock, fence sequence, reservation, waiters flag, node set, owner record. ARGV: token, ttl ms,
     * reservation ms (0 = do not reserve), waiter id, previous token ('' if none), node-set id, who asks
     * ({@link OwnerRecord#who}), the proposed fencing token.
     *
     * <p>Refuses with {-1, other node set} when the node remembers another node set. Grants the lock when
     * it is free, or still held by the previous token (a holder in the same process handing it straight
     * over), and not reserved for another waiter: returns {1, fencing token}. Otherwise returns {0,
     * holder's remaining ms}, flags that someone waits (so the release announces itself; uncontended
     * releases stay silent) and, if asked, reserves the next turn for this waiter so callers that
     * re-acquire in a loop cannot starve it. The token is new for every attempt, so a late release of an
     * earlier attempt can never delete this one's key.
     *
     * <p>A grant also writes the owner record ({@link OwnerRecord}: one string beside the key, with the
     * same TTL) in the same step: who holds the lock is known wherever the lock is, at no extra round trip,
     * and a release deletes both. One {@code SET} of a string the client mostly prepared, not a seven-field
     * hash and its {@code PEXPIRE}: argument passing and calls are most of a script's cost on the node.
     *
     * <p>The node-set record must outlive every lease granted through it; it is rewritten (for twice the
     * lease) only when it would not, instead of on every grant.
     *
     * <p>The fencing token is strictly above the node's previous one and at least the client's proposal
     * (ARGV 8: its clock in microseconds, above every token it has seen). Every node of a Redlock
     * quorum is offered the same proposal, so in the usual case they all answer the same token and no
     * second round trip is needed to bring the quorum up to the highest one (see Redlock's fenceOnQuorum);
     * and tokens keep rising on a node that lost its data, and across an upgrade from the earlier per-name
     * counters (which stayed far below the clock). Lua numbers are doubles, exact up to 2^53, which the
     * clock in microseconds stays below until the year 2255.
     */
    public static final LuaScript ACQUIRE = LuaScript.of("acquire", """
            local nodeset = redis.call('GET', KEYS[5])
            if nodeset and nodeset ~= ARGV[6] then
              return {-1, nodeset}
            end
            local holder = redis.call('GET', KEYS[1])
            if holder and holder == ARGV[5] then
              holder = false
            end
            if not holder then
              local reserved = redis.call('GET', KEYS[3])
              if (not reserved) or reserved == ARGV[4] then
                local ttl = tonumber(ARGV[2])
                redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
                if reserved then redis.call('DEL', KEYS[3]) end
                if redis.call('PTTL', KEYS[5]) < ttl then
                  redis.call('SET', KEYS[5], ARGV[6], 'PX', 2 * ttl)
                end
                local fence = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, tonumber(ARGV[8]))
                local fenceText = string.format('%.0f', fence)
                redis.call('SET', KEYS[2], fenceText)
                local now = redis.call('TIME')
                redis.call('SET', KEYS[6], fenceText .. ' ' .. now[1] .. string.format('%03d', math.floor(tonumber(now[2]) / 1000))
                    .. ' ' .. ARGV[1] .. ' ' .. ARGV[7], 'PX', ttl)
                return {1, fence}
              end
            end
            local remaining = redis.call('PTTL', KEYS[1])
            redis.call('SET', KEYS[4], '1', 'PX', math.max(remaining, 0) + 1000)
            if ARGV[3] ~= '0' then
              redis.call('SET', KEYS[3], ARGV[4], 'NX', 'PX', ARGV[3])
            end
            return {0, remaining}
            """);

    /**
     * KEYS: lock, reservation, waiters flag, owner record. ARGV: token, channel, lock name, waiter id, '1' to drop the
     * waiter's reservation too (a waiter that gives up) or '0' to keep it (undoing a partial grant of an
     * attempt that will be retried). Deletes the lock only if the token still owns it and, when someone
     * waits, tells them on the channel. Returns 1 if the lock was ours.
     */
    public static final LuaScript RELEASE = LuaScript.of("release", """
            local released = 0
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1], KEYS[4])
              if redis.call('DEL', KEYS[3]) == 1 then
                redis.call('PUBLISH', ARGV[2], ARGV[3])
              end
              released = 1
            end
            if ARGV[5] == '1' and redis.call('GET', KEYS[2]) == ARGV[4] then
              redis.call('DEL', KEYS[2])
            end
            return released
            """);

    /**
     * KEYS: lock, node set, owner record. ARGV: token, ttl ms, node-set id. Resets the TTL of the lock and
     * its owner record only if the token still owns the lock and no other node set has taken the node
     * over; 1 if extended. Keeps the node-set record alive while a lease of that node set lives.
     */
    public static final LuaScript EXTEND = LuaScript.of("extend", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            local nodeset = redis.call('GET', KEYS[2])
            if nodeset and nodeset ~= ARGV[3] then
              return 0
            end
            if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
              redis.call('SET', KEYS[2], ARGV[3], 'PX', 2 * tonumber(ARGV[2]))
            end
            redis.call('PEXPIRE', KEYS[3], ARGV[2])
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            """);

    /**
     * KEYS: lock, fence sequence, owner record. ARGV: token, fencing token.
     * While the token still owns the lock on this node, raises the node's sequence to at least the given
     * value, so any later holder that wins this node counts above it, and records the lease's fencing
     * token in the owner record (its first field; a record of another type, an older version's, is left
     * alone). Returns 1 if the lock was ours.
     */
    public static final LuaScript RAISE_FENCE = LuaScript.of("raise-fence", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            local current = tonumber(redis.call('GET', KEYS[2]) or '0')
            if current < tonumber(ARGV[2]) then
              redis.call('SET', KEYS[2], ARGV[2])
            end
            local owner = redis.pcall('GET', KEYS[3])
            if type(owner) == 'string' then
              local rest = string.find(owner, ' ', 1, true)
              if rest then
                redis.call('SET', KEYS[3], ARGV[2] .. string.sub(owner, rest), 'KEEPTTL')
              end
            end
            return 1
            """);
}
