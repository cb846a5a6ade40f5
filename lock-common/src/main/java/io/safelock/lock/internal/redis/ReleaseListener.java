package io.safelock.lock.internal.redis;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.config.RedisNodeAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Subscribes to one node's release channel so that waiters wake up as soon as a lock is released
 * instead of sleeping out their backoff. Best effort: if the node is down, waiters fall back to their
 * backoff timers while this reconnects in the background.
 */
public final class ReleaseListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReleaseListener.class);
    private static final long MAX_RECONNECT_DELAY_MS = 2_000;

    private final Vertx vertx;
    private final RedisNodeAddress address;
    private final String channel;
    private final Consumer<String> onRelease;
    private final Redis client;
    private volatile RedisConnection connection;
    private volatile boolean closed;
    private long reconnectDelayMs = 50;

    public ReleaseListener(Vertx vertx, RedisNodeAddress address, LockSettings settings, String channel, Consumer<String> onRelease) {
        this.vertx = vertx;
        this.address = address;
        this.channel = channel;
        this.onRelease = onRelease;
        this.client = Redis.createClient(vertx, RedisNode.options(address, settings).setMaxPoolSize(1));
    }

    public void start() {
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        client.connect().subscribe().with(this::subscribe, failure -> scheduleReconnect(failure.getMessage()));
    }

    private void subscribe(RedisConnection conn) {
        if (closed) {
            conn.close().subscribe().with(ignored -> { }, ignored -> { });
            return;
        }
        connection = conn;
        conn.handler(this::onMessage);
        conn.exceptionHandler(failure -> reconnectAfterLoss(conn, failure.getMessage()));
        conn.endHandler(() -> reconnectAfterLoss(conn, "connection closed"));
        conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).subscribe().with(
                ok -> {
                    reconnectDelayMs = 50;
                    LOG.debugf("Listening for lock releases on %s", address.display());
                },
                failure -> reconnectAfterLoss(conn, failure.getMessage()));
    }

    private void onMessage(Response message) {
        // ["message", channel, lock name] in RESP2 and as a RESP3 push alike
        if (message != null && message.size() == 3 && "message".equals(message.get(0).toString())) {
            onRelease.accept(message.get(2).toString());
        }
    }

    private synchronized void reconnectAfterLoss(RedisConnection conn, String reason) {
        if (connection != conn) {
            return; // already handled for this connection
        }
        connection = null;
        conn.close().subscribe().with(ignored -> { }, ignored -> { });
        scheduleReconnect(reason);
    }

    private void scheduleReconnect(String reason) {
        if (closed) {
            return;
        }
        LOG.debugf("Release notifications from %s unavailable (%s); retrying in %d ms", address.display(), reason, reconnectDelayMs);
        long delay = reconnectDelayMs;
        reconnectDelayMs = Math.min(MAX_RECONNECT_DELAY_MS, reconnectDelayMs * 2);
        vertx.setTimer(delay, id -> connect());
    }

    @Override
    public void close() {
        closed = true;
        RedisConnection conn = connection;
        connection = null;
        if (conn != null) {
            conn.close().subscribe().with(ignored -> { }, ignored -> { });
        }
        client.close();
    }
}
