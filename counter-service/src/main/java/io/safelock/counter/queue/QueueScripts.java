package io.safelock.counter.queue;

import io.safelock.lock.redis.LuaScript;
import io.safelock.counter.store.LuaSnippets;

/**
 * The queue's server-side steps. Each is one atomic script, so a request is never both queued and in
 * flight, never in flight without a record of who took it, and never applied without its marker.
 */
final class QueueScripts {

    private QueueScripts() {
    }

    /**
     * KEYS: queue, pending, ready, queue sequence, request hash.
     * ARGV: request id, counter, by, replica, think ms.
     * Records the request, pushes it on the counter's queue and returns {position, enqueuedAt ms}.
     */
    static final LuaScript ENQUEUE = LuaScript.of("enqueue", LuaSnippets.NOW + """
            local position = redis.call('INCR', KEYS[4])
            redis.call('HSET', KEYS[5], 'requestId', ARGV[1], 'counter', ARGV[2], 'by', ARGV[3], 'status', 'queued',
                       'position', position, 'enqueuedAt', now, 'enqueuedBy', ARGV[4], 'thinkMs', ARGV[5])
            redis.call('LPUSH', KEYS[1], ARGV[1])
            redis.call('ZADD', KEYS[2], now, ARGV[1])
            redis.call('ZADD', KEYS[3], 'NX', now, ARGV[2])
            return {position, now}
            """);

    /**
     * KEYS: queue, in-flight, ready. ARGV: counter, replica, key prefix.
     * Called only by the holder of the counter's lock. If a request is still in flight, its taker lost the
     * lock without finishing (it died, or paused past its lease): hand that one out again, before anything
     * newer, so FIFO order holds across a crash. Otherwise move the oldest queued request in flight.
     * Returns {} when there is nothing, else {id, by, thinkMs, position, takenBy, recovered(0|1)}.
     */
    static final LuaScript TAKE = LuaScript.of("take", LuaSnippets.NOW + """
            local id = redis.call('HGET', KEYS[2], 'requestId')
            local recovered = 0
            local takenBy = ARGV[2]
            if id then
              recovered = 1
              takenBy = redis.call('HGET', KEYS[2], 'replica') or '?'
              redis.call('HSET', KEYS[2], 'replica', ARGV[2], 'takenAt', now)
              redis.call('HINCRBY', ARGV[3] .. 'request:' .. id, 'attempts', 1)
            else
              id = redis.call('RPOP', KEYS[1])
              if not id then
                redis.call('ZREM', KEYS[3], ARGV[1])
                return {}
              end
              redis.call('HSET', KEYS[2], 'requestId', id, 'replica', ARGV[2], 'takenAt', now)
              redis.call('HSET', ARGV[3] .. 'request:' .. id, 'status', 'processing', 'takenBy', ARGV[2], 'takenAt', now, 'attempts', 1)
            end
            local request = ARGV[3] .. 'request:' .. id
            local by = redis.call('HGET', request, 'by') or '0'
            local think = redis.call('HGET', request, 'thinkMs') or '0'
            local position = redis.call('HGET', request, 'position') or '0'
            return {id, by, think, position, takenBy, recovered}
            """);

    /**
     * KEYS: value, fence, in-flight, pending, applied sequence, request hash.
     * ARGV: request id, replica, fencing token, status ttl s.
     * Applies the in-flight request once: the status field is the applied marker and is written in the same
     * script as the increment, and only while the counter's fence still carries the token this lease claimed
     * (see {@link io.safelock.counter.store.CounterStore#claim}). {1, value, appliedIndex} applied; {0, value}
     * was already applied; {-1} refused by the fence (another holder claimed the counter since); {-2} the
     * request is no longer in flight for this caller; {-3, error} overflow (the request is marked failed and
     * leaves the queue).
     */
    static final LuaScript APPLY_QUEUED = LuaScript.of("apply-queued", LuaSnippets.NOW + LuaSnippets.FENCE + """
            local status = redis.call('HGET', KEYS[6], 'status')
            if status == 'applied' or status == 'failed' then
              if redis.call('HGET', KEYS[3], 'requestId') == ARGV[1] then redis.call('DEL', KEYS[3]) end
              redis.call('ZREM', KEYS[4], ARGV[1])
              return {0, tonumber(redis.call('HGET', KEYS[6], 'valueAfter') or '0')}
            end
            if redis.call('HGET', KEYS[3], 'requestId') ~= ARGV[1] then return {-2} end
            if not ours(KEYS[2], ARGV[3]) then return {-1} end
            local by = redis.call('HGET', KEYS[6], 'by')
            local value = redis.pcall('INCRBY', KEYS[1], by)
            redis.call('DEL', KEYS[3])
            redis.call('ZREM', KEYS[4], ARGV[1])
            redis.call('EXPIRE', KEYS[6], ARGV[4])
            if type(value) == 'table' and value.err then
              redis.call('HSET', KEYS[6], 'status', 'failed', 'error', value.err, 'appliedAt', now, 'appliedBy', ARGV[2])
              return {-3, value.err}
            end
            local index = redis.call('INCR', KEYS[5])
            redis.call('HSET', KEYS[6], 'status', 'applied', 'valueAfter', value, 'appliedIndex', index,
                       'appliedAt', now, 'appliedBy', ARGV[2], 'fencingToken', ARGV[3])
            return {1, value, index}
            """);

    /**
     * KEYS: pending, ready. ARGV: key prefix, max counters listed.
     * {now ms, depth, oldest enqueue ms or -1, then per in-flight request: counter, id, replica, takenAt}.
     */
    static final LuaScript QUEUE_STATS = LuaScript.of("queue-stats", LuaSnippets.NOW + """
            local depth = redis.call('ZCARD', KEYS[1])
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local result = {now, depth, -1}
            if oldest[2] then result[3] = tonumber(oldest[2]) end
            local counters = {}
            if tonumber(ARGV[2]) > 0 then counters = redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[2]) - 1) end
            for _, counter in ipairs(counters) do
              local f = redis.call('HMGET', ARGV[1] .. 'inflight:' .. counter, 'requestId', 'replica', 'takenAt')
              if f[1] then
                table.insert(result, counter)
                table.insert(result, f[1])
                table.insert(result, f[2] or '?')
                table.insert(result, f[3] or '0')
              end
            end
            return result
            """);

    /** ARGV: key prefix, request ids. How many of them are applied or failed (finished). */
    static final LuaScript COUNT_FINISHED = LuaScript.of("count-finished", """
            local finished = 0
            for i = 2, #ARGV do
              local status = redis.call('HGET', ARGV[1] .. 'request:' .. ARGV[i], 'status')
              if status == 'applied' or status == 'failed' then finished = finished + 1 end
            end
            return finished
            """);
}
