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

    /**
     * Shared Lua, the two halves of the counter's fence ({@code fence:{name}}, the token that last claimed it):
     * {@code claim} takes the fence for a token strictly greater than every token seen, so of two holders
     * presenting the same token only the first gets it; {@code ours} says whether the fence still carries
     * the token, so a holder writes only while no other holder has claimed the counter since its own claim.
     */
    public static final String FENCE = """
            local function claim(fenceKey, token)
              local seen = tonumber(redis.call('GET', fenceKey) or '0')
              if tonumber(token) <= seen then return false end
              redis.call('SET', fenceKey, token)
              return true
            end
            local function ours(fenceKey, token)
              return tonumber(redis.call('GET', fenceKey) or '0') == tonumber(token)
            end
            """;
}
