package io.safelock.bench;

import io.safelock.lock.internal.redis.LockScripts;
import io.safelock.lock.redis.LuaScript;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The floor under every lock client: the library's own acquire and release scripts ({@link LockScripts},
 * by EVALSHA) sent over the same number of long-lived pipelined connections per node, with nothing around
 * them: no retry, no lease bookkeeping, no fence raise, no metrics, no timeouts. On several nodes both
 * scripts go to all of them at once and the call returns when a majority has granted or answered. A lock client can
 * only add to this, so each row reads as a fraction of it.
 */
final class FloorContender implements Contender {

    private static final int CONNECTIONS_PER_NODE = 4;
    /** Who asks, as the grant script takes it. */
    private static final String WHO = io.safelock.lock.internal.redis.OwnerRecord.who(new io.safelock.lock.LockOwner("bench", "floor", "localhost", ""));

    private record Held(String key, String token) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final List<Redis> clients = new ArrayList<>();
    private final List<List<RedisConnection>> connections = new ArrayList<>();
    private final String name;

    FloorContender(List<String> nodes) {
        for (String uri : nodes) {
            Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri).setMaxPoolSize(CONNECTIONS_PER_NODE)
                    .setMaxPoolWaiting(1024));
            clients.add(client);
            List<RedisConnection> open = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS_PER_NODE; i++) {
                open.add(client.connect().await().atMost(Duration.ofSeconds(10)));
            }
            connections.add(open);
            for (LuaScript script : List.of(LockScripts.ACQUIRE, LockScripts.RELEASE)) {
                open.get(0).send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.body())).await().atMost(Duration.ofSeconds(10));
            }
        }
        this.name = nodes.size() == 1 ? "floor: bare scripts" : "floor: bare scripts (" + nodes.size() + ")";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object lock(String key) {
        String lock = "floor:" + key;
        String token = UUID.randomUUID().toString();
        onMajority(LockScripts.ACQUIRE, List.of(lock, "floor:fence", lock + ":reserved", lock + ":waiters", "floor:node-set", lock + ":owner"),
                List.of(token, "5000", "0", token, "", "floor", WHO, Long.toString(System.currentTimeMillis() * 1000)), true);
        return new Held(lock, token);
    }

    @Override
    public void unlock(Object handle) {
        Held held = (Held) handle;
        onMajority(LockScripts.RELEASE, List.of(held.key(), held.key() + ":reserved", held.key() + ":waiters", held.key() + ":owner"),
                List.of(held.token(), "floor-released", held.key(), held.token(), "1"), false);
    }

    /**
     * Sends to every node at once and returns when a majority has granted (acquire) or answered (release),
     * as Redlock needs; a minority still busy with the previous release does not hold the caller up.
     */
    private void onMajority(LuaScript script, List<String> keys, List<String> args, boolean mustGrant) {
        // one connection per key on every node: a key's release and its next acquire stay in order on each node
        int pick = Math.floorMod(keys.get(0).hashCode(), CONNECTIONS_PER_NODE);
        int nodes = connections.size();
        int quorum = nodes / 2 + 1;
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        int[] counts = new int[2]; // [0] granted, [1] answered
        for (List<RedisConnection> node : connections) {
            Request request = Request.cmd(Command.EVALSHA).arg(script.sha()).arg(keys.size());
            keys.forEach(request::arg);
            args.forEach(request::arg);
            node.get(pick).send(request).subscribe().with(reply -> {
                synchronized (counts) {
                    counts[1]++;
                    if (!mustGrant || reply.get(0).toInteger() == 1) {
                        counts[0]++;
                    }
                    if (counts[0] >= quorum) {
                        done.complete(null);
                    } else if (counts[1] == nodes) {
                        done.completeExceptionally(new IllegalStateException("floor: no majority granted; the floor only measures uncontended keys"));
                    }
                }
            }, done::completeExceptionally);
        }
        done.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        connections.forEach(node -> node.forEach(RedisConnection::close));
        clients.forEach(Redis::close);
        vertx.closeAndAwait();
    }
}
