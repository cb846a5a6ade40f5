package io.safelock.counter.store;

import io.safelock.lock.redis.LuaScript;

/**
 * The server-side steps that must not interleave with other clients. A lock holder first claims the
 * counter's fence with its fencing token (refused unless the token is greater than every one seen) and
 * then writes only while the fence still carries that token: a replica that was paused past its lease
 * can neither overwrite newer data nor write between a newer holder's read and write.
 */
final class Scripts {

    private Scripts() {
    }

    /**
     * KEYS: value, fence. ARGV: fencing token. Claims the counter for the token and reads it in one step
     * (values as strings: a Lua number would round a 64-bit counter): {1, value} claimed; {0, recorded token} refused, the fence already carries this token or a later one.
     */
    static final LuaScript CLAIM_AND_GET = LuaScript.of("claim-and-get", LuaSnippets.FENCE + """
            if not claim(KEYS[2], ARGV[1]) then return {0, redis.call('GET', KEYS[2])} end
            return {1, redis.call('GET', KEYS[1]) or '0'}
            """);

    /** KEYS: value, fence. ARGV: new value, fencing token. 1 = written; 0 = refused, another holder claimed since. */
    static final LuaScript SET_IF_CLAIMED = LuaScript.of("set-if-claimed", LuaSnippets.FENCE + """
            if not ours(KEYS[2], ARGV[2]) then return 0 end
            redis.call('SET', KEYS[1], ARGV[1])
            return 1
            """);

    /** KEYS: fence. ARGV: fencing token. {1} claimed; {0, recorded token} refused. */
    static final LuaScript CLAIM = LuaScript.of("claim", LuaSnippets.FENCE + """
            if not claim(KEYS[1], ARGV[1]) then return {0, redis.call('GET', KEYS[1])} end
            return {1}
            """);

    /**
     * KEYS: value, fence. ARGV: fencing token. Claims the counter and sets it to 0: {1} reset; {0, recorded
     * token} refused.
     * The fence only ever rises, so a reset whose holder was paused past its lease cannot let older holders
     * write again.
     */
    static final LuaScript RESET = LuaScript.of("reset", LuaSnippets.FENCE + """
            if not claim(KEYS[2], ARGV[1]) then return {0, redis.call('GET', KEYS[2])} end
            redis.call('SET', KEYS[1], '0')
            return {1}
            """);

    /**
     * KEYS: value, fence, command marker. ARGV: by, fencing token, marker ttl s, replica.
     * One write per lease, so it claims the fence in the same step. {1, value} applied; {0, value} already applied (duplicate); {-1} refused by the fence;
     * {-3, error} the increment would overflow.
     */
    static final LuaScript APPLY_ONCE = LuaScript.of("apply-once", LuaSnippets.FENCE + """
            if redis.call('EXISTS', KEYS[3]) == 1 then
              return {0, tonumber(redis.call('GET', KEYS[1]) or '0')}
            end
            if not claim(KEYS[2], ARGV[2]) then return {-1} end
            local value = redis.pcall('INCRBY', KEYS[1], ARGV[1])
            if type(value) == 'table' and value.err then return {-3, value.err} end
            redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[3])
            return {1, value}
            """);

    /** KEYS: total, event marker. ARGV: quantity, marker ttl s. {1, total} counted; {0, total} duplicate. */
    static final LuaScript COUNT_ONCE = LuaScript.of("count-once", """
            if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
              return {1, redis.call('INCRBY', KEYS[1], ARGV[1])}
            end
            return {0, tonumber(redis.call('GET', KEYS[1]) or '0')}
            """);

    /** KEYS: fair-mode grant log. ARGV: ticket, entries kept, ttl ms. Appends the ticket, keeps the newest entries. */
    static final LuaScript RECORD_GRANT = LuaScript.of("record-grant", """
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """);
}
