package io.safelock.counter.store;

/** Lua shared by several scripts. */
public final class LuaSnippets {

    private LuaSnippets() {
    }

    /** Shared Lua: milliseconds of the Redis clock, so every replica stamps times from one clock. */
    public static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /** Shared Lua: refuses a write fenced by a token below the highest seen; raises the fence otherwise. */
    public static final String FENCE = """
            local function fenced(fenceKey, token)
              local seen = tonumber(redis.call('GET', fenceKey) or '0')
              if tonumber(token) < seen then return false end
              if tonumber(token) > seen then redis.call('SET', fenceKey, token) end
              return true
            end
            """;
}
