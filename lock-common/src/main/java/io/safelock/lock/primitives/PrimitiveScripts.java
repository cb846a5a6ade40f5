package io.safelock.lock.primitives;

import io.safelock.lock.redis.LuaScript;

/**
 * Server-side steps of the read/write lock, the semaphore and the fair lock. Each runs atomically on
 * one node. Every primitive keeps, per name and node:
 * <ul>
 *   <li>KEYS[1] holders: sorted set, lease token → expiry in the node's own clock (ms), so a holder that
 *       dies drops out when its lease runs out;</li>
 *   <li>KEYS[2] what each lease holds: hash, token → "r", "w", "f" or the semaphore slots "0,3";</li>
 *   <li>KEYS[3] the node's fence sequence ({@code <prefix>fence}, the plain lock's own): one key per node
 *       for every name, so names that were used leave nothing behind once released. Each grant steps it
 *       to {@code max(previous + 1, node clock in µs)}, so it keeps rising on a node that lost its data;</li>
 *   <li>KEYS[4] waiting flag: set by a refused attempt, so that a release announces itself on the
 *       release channel only when someone waits.</li>
 * </ul>
 * Every other per-name key expires: the holders and leases with the longest lease, flags and marks with
 * their own short TTLs. A granted acquire answers {1, field, fence, field, fence, …}; a refused one {0, ms
 * until the earliest holder's lease ends (-1 unknown, -2 queued behind other waiters)}.
 */
final class PrimitiveScripts {

    private PrimitiveScripts() {
    }

    /** Node time, expired holders dropped, and the helpers every script shares. */
    private static final String PRELUDE = """
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
            for _, gone in ipairs(expired) do redis.call('HDEL', KEYS[2], gone) end
            if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
            local function keep_at_least(key, ms)
              local left = redis.call('PTTL', key)
              if left < ms then redis.call('PEXPIRE', key, ms) end
            end
            local function hold(token, what, ttl)
              redis.call('ZADD', KEYS[1], now + ttl, token)
              redis.call('HSET', KEYS[2], token, what)
              keep_at_least(KEYS[1], ttl)
              keep_at_least(KEYS[2], ttl)
            end
            local function owned(token)
              local expiry = redis.call('ZSCORE', KEYS[1], token)
              return expiry and tonumber(expiry) > now
            end
            local function earliest_end()
              local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
              if #first == 2 then return tonumber(first[2]) - now end
              return -1
            end
            local function next_fence()
              local fence = math.max(tonumber(redis.call('GET', KEYS[3]) or '0') + 1, tonumber(clock[1]) * 1000000 + tonumber(clock[2]))
              redis.call('SET', KEYS[3], string.format('%.0f', fence))
              return fence
            end
            local function refuse(ms)
              redis.call('SET', KEYS[4], '1', 'PX', math.max(ms, 0) + 1000)
              return {0, ms}
            end
            """;

    private static LuaScript script(String name, String body) {
        return LuaScript.of(name, PRELUDE + body);
    }

    /**
     * Read side. KEYS: holders, leases, fence sequence, waiting flag, writer, writer waiting. ARGV: token, ttl ms.
     * Refused while a writer holds or a writer waits (writers do not starve behind a stream of readers).
     */
    static final LuaScript READ = script("rw-read", """
            local ttl = tonumber(ARGV[2])
            if redis.call('EXISTS', KEYS[5]) == 1 then return refuse(redis.call('PTTL', KEYS[5])) end
            if redis.call('EXISTS', KEYS[6]) == 1 then return refuse(-2) end
            hold(ARGV[1], 'r', ttl)
            return {1, '0', next_fence()}
            """);

    /**
     * Write side. KEYS: holders, leases, fence sequence, waiting flag, writer, writer waiting. ARGV: token, ttl
     * ms, waiter id, waiting-mark ms. Granted when nobody holds; otherwise marks this writer as waiting
     * unless another writer already is (new readers are refused while a mark lives; its writer renews it
     * with each attempt, so a dead waiter's mark is gone within its TTL). Writers among themselves race
     * as for the plain lock, so marks on different nodes cannot deadlock them.
     */
    static final LuaScript WRITE = script("rw-write", """
            local ttl = tonumber(ARGV[2])
            local marked = redis.call('GET', KEYS[6])
            if redis.call('ZCARD', KEYS[1]) > 0 then
              if not marked then
                redis.call('SET', KEYS[6], ARGV[3], 'PX', ARGV[4])
              elseif marked == ARGV[3] then
                redis.call('PEXPIRE', KEYS[6], ARGV[4])
              end
              return refuse(earliest_end())
            end
            hold(ARGV[1], 'w', ttl)
            redis.call('SET', KEYS[5], ARGV[1], 'PX', ttl)
            if marked == ARGV[3] then redis.call('DEL', KEYS[6]) end
            return {1, '0', next_fence()}
            """);

    /**
     * Semaphore. KEYS: holders, leases, fence sequence, waiting flag. ARGV: token, ttl ms, total permits, permits
     * wanted, preferred slots ("1,4" or ''). Each permit is a slot 0..total-1; a lease takes free slots,
     * the preferred ones if all of them are free (so that nodes agree under Redlock), else the lowest free.
     * Answers {1, slot, fence, slot, fence, …}.
     */
    static final LuaScript SEMAPHORE = script("semaphore", """
            local ttl = tonumber(ARGV[2])
            local total = tonumber(ARGV[3])
            local wanted = tonumber(ARGV[4])
            local used = {}
            local leases = redis.call('HGETALL', KEYS[2])
            for i = 1, #leases, 2 do
              for slot in string.gmatch(leases[i + 1], '[^,]+') do used[tonumber(slot)] = true end
            end
            local pick = {}
            if ARGV[5] ~= '' then
              for slot in string.gmatch(ARGV[5], '[^,]+') do
                local s = tonumber(slot)
                if s < total and not used[s] then pick[#pick + 1] = s end
              end
            end
            if #pick ~= wanted then
              pick = {}
              for s = 0, total - 1 do
                if not used[s] then pick[#pick + 1] = s end
                if #pick == wanted then break end
              end
            end
            if #pick < wanted then return refuse(earliest_end()) end
            table.sort(pick)
            hold(ARGV[1], table.concat(pick, ','), ttl)
            local granted = {1}
            for _, s in ipairs(pick) do
              granted[#granted + 1] = tostring(s)
              granted[#granted + 1] = next_fence()
            end
            return granted
            """);

    /**
     * Fair lock ticket. KEYS: the node's fence sequence, queue, this waiter's heartbeat. ARGV: waiter id,
     * heartbeat ms. Steps the sequence (as a grant does: above its previous value and the node's clock in µs)
     * and joins the queue at once with that value, so no later caller can be served between taking a ticket
     * and joining; the first attempt moves the waiter to its final ticket (the highest over a quorum, never
     * lower than this). Answers the ticket.
     */
    static final LuaScript TICKET = LuaScript.of("fair-ticket", """
            local clock = redis.call('TIME')
            local ticket = math.max(tonumber(redis.call('GET', KEYS[1]) or '0') + 1, tonumber(clock[1]) * 1000000 + tonumber(clock[2]))
            redis.call('SET', KEYS[1], string.format('%.0f', ticket))
            redis.call('ZADD', KEYS[2], string.format('%.0f', ticket), ARGV[1])
            redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
            if redis.call('PTTL', KEYS[2]) < 2 * tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], 2 * tonumber(ARGV[2])) end
            return ticket
            """);

    /**
     * Fair lock. KEYS: holders, leases, fence sequence, waiting flag, queue, fence sequence again (tickets
     * come from it too), this waiter's heartbeat. ARGV: token, ttl ms, waiter id, ticket, heartbeat ms, heartbeat key prefix, joined ('1'
     * once an attempt has placed the waiter: if it is missing now, its heartbeat lapsed and it was dropped;
     * answers {0, -3} and the waiter takes a new ticket, at the back). Joins the queue (ordered by ticket, then waiter id: the same order on every node), renews this
     * waiter's heartbeat, drops waiters at the head whose heartbeat expired, and grants the lock only to
     * the head of the queue while nobody holds it.
     */
    static final LuaScript FAIR = script("fair", """
            local ttl = tonumber(ARGV[2])
            local ticket = tonumber(ARGV[4])
            if tonumber(redis.call('GET', KEYS[6]) or '0') < ticket then redis.call('SET', KEYS[6], ARGV[4]) end
            if ARGV[7] == '1' and not redis.call('ZSCORE', KEYS[5], ARGV[3]) then return {0, -3} end
            redis.call('ZADD', KEYS[5], ticket, ARGV[3])
            redis.call('SET', KEYS[7], '1', 'PX', ARGV[5])
            keep_at_least(KEYS[5], 2 * tonumber(ARGV[5]))
            local head
            while true do
              head = redis.call('ZRANGE', KEYS[5], 0, 0)[1]
              if head == ARGV[3] or redis.call('EXISTS', ARGV[6] .. head) == 1 then break end
              redis.call('ZREM', KEYS[5], head)
            end
            if head == ARGV[3] and redis.call('ZCARD', KEYS[1]) == 0 then
              redis.call('ZREM', KEYS[5], ARGV[3])
              redis.call('DEL', KEYS[7])
              hold(ARGV[1], 'f', ttl)
              return {1, '0', next_fence()}
            end
            if redis.call('ZCARD', KEYS[1]) > 0 then return refuse(earliest_end()) end
            return refuse(-2)
            """);

    /**
     * KEYS: holders, fence sequence. ARGV: token, value. While the token still holds here, raises the
     * node's fence sequence to at least the value (the highest token the hold was given), so any later
     * holder that wins this node counts above it. 1 if the token held.
     */
    static final LuaScript RAISE = LuaScript.of("primitive-raise", """
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if (not expiry) or tonumber(expiry) <= now then return 0 end
            if tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[2]) then
              redis.call('SET', KEYS[2], ARGV[2])
            end
            return 1
            """);

    /**
     * KEYS: holders, leases, fence sequence, waiting flag[, writer]. ARGV: token, ttl ms. Resets the lease's expiry
     * only if the token still holds here; 1 if it did.
     */
    static final LuaScript EXTEND = script("primitive-extend", """
            if not owned(ARGV[1]) then return 0 end
            local ttl = tonumber(ARGV[2])
            redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[1])
            keep_at_least(KEYS[1], ttl)
            keep_at_least(KEYS[2], ttl)
            if #KEYS >= 5 and redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('PEXPIRE', KEYS[5], ttl) end
            return 1
            """);

    /**
     * KEYS: holders, leases, fence sequence, waiting flag, then per primitive: rw: writer, writer waiting; fair:
     * queue, heartbeat. ARGV: token, channel, name, kind (rw|sem|fair), waiter id, keep-waiting ('1': an
     * attempt that is undone but keeps waiting: its writer mark or queue place stays), ticket, heartbeat ms.
     * Drops the lease if this token holds it and, when someone waits, announces it on the channel.
     * 1 if the token held.
     */
    static final LuaScript RELEASE = script("primitive-release", """
            local held = owned(ARGV[1])
            local removed = redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            local keep = ARGV[6] == '1'
            if ARGV[4] == 'rw' then
              if redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('DEL', KEYS[5]) end
              if (not keep) and redis.call('GET', KEYS[6]) == ARGV[5] then redis.call('DEL', KEYS[6]) end
            elseif ARGV[4] == 'fair' then
              if keep then
                redis.call('ZADD', KEYS[5], 'NX', ARGV[7], ARGV[5])
                redis.call('SET', KEYS[6], '1', 'PX', ARGV[8])
              else
                redis.call('ZREM', KEYS[5], ARGV[5])
                redis.call('DEL', KEYS[6])
              end
            end
            if removed == 1 and redis.call('DEL', KEYS[4]) == 1 then
              redis.call('PUBLISH', ARGV[2], ARGV[3])
            end
            if held then return 1 end
            return 0
            """);
}
