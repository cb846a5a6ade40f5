package io.safelock.lock;

import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import java.util.List;

/** A plain connection to one test node, for setting up faults (CLIENT PAUSE, PUBLISH) and looking at keys. */
public final class NodeAdmin implements AutoCloseable {

    private final Redis client;
    private final RedisAPI api;

    public NodeAdmin(String uri) {
        this.client = Redis.createClient(LockTestSupport.vertx(), uri);
        this.api = RedisAPI.api(client);
    }

    public RedisAPI api() {
        return api;
    }

    /** Sends one command with string arguments and waits for the answer. */
    public Response call(String command, String... args) {
        Request request = Request.cmd(Command.create(command));
        for (String arg : args) {
            request.arg(arg);
        }
        return client.send(request).await().indefinitely();
    }

    /** CLIENT PAUSE for {@code ms}; mode ALL or WRITE. Returns at once; the node answers others after the pause. */
    public void pause(long ms, String mode) {
        call("CLIENT", "PAUSE", Long.toString(ms), mode);
    }

    public String get(String key) {
        Response value = api.get(key).await().indefinitely();
        return value == null ? null : value.toString();
    }

    public long dbSize() {
        return api.dbsize().await().indefinitely().toLong();
    }

    public List<String> keys() {
        List<String> keys = new java.util.ArrayList<>();
        for (Response key : api.keys("*").await().indefinitely()) {
            keys.add(key.toString());
        }
        return keys;
    }

    @Override
    public void close() {
        api.close();
    }
}
