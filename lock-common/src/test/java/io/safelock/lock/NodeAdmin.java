package io.safelock.lock;

import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import java.util.List;

/** A plain connection to one test node, for setting up faults (CLIENT PAUSE, PUBLISH) and looking at keys. */
final class NodeAdmin implements AutoCloseable {

    private final Redis client;
    private final RedisAPI api;

    NodeAdmin(String uri) {
        this.client = Redis.createClient(LockTestSupport.vertx(), uri);
        this.api = RedisAPI.api(client);
    }

    RedisAPI api() {
        return api;
    }

    /** Sends one command with string arguments and waits for the answer. */
    Response call(String command, String... args) {
        Request request = Request.cmd(Command.create(command));
        for (String arg : args) {
            request.arg(arg);
        }
        return client.send(request).await().indefinitely();
    }

    /** CLIENT PAUSE for {@code ms}; mode ALL or WRITE. Returns at once; the node answers others after the pause. */
    void pause(long ms, String mode) {
        call("CLIENT", "PAUSE", Long.toString(ms), mode);
    }

    String get(String key) {
        Response value = api.get(key).await().indefinitely();
        return value == null ? null : value.toString();
    }

    long dbSize() {
        return api.dbsize().await().indefinitely().toLong();
    }

    List<String> keys() {
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
