package io.safelock.lock.primitives;

import io.safelock.lock.internal.redis.RedisNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Sends one call to many nodes at once and keeps every node's answer or failure, for quorum counting. */
final class Quorum {

    record Reply(RedisNode node, Response response, Throwable failure) {
        boolean ok() {
            return failure == null;
        }

        /** The script answered {1, …}: granted, owned, done. */
        boolean yes() {
            return ok() && response != null && (response.type() == io.vertx.redis.client.ResponseType.MULTI
                    ? response.size() > 0 && response.get(0).toLong() == 1 : response.toLong() == 1);
        }
    }

    private Quorum() {
    }

    /** The same call on every target at once; a node's failure becomes its reply instead of failing the lot. */
    static Uni<List<Reply>> fanOut(List<RedisNode> targets, Function<RedisNode, Uni<Response>> call) {
        if (targets.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<Reply>> calls = new ArrayList<>(targets.size());
        for (RedisNode node : targets) {
            calls.add(Uni.createFrom().deferred(() -> call.apply(node))
                    .map(response -> new Reply(node, response, null))
                    .onFailure().recoverWithItem(failure -> new Reply(node, null, failure)));
        }
        if (calls.size() == 1) {
            return calls.get(0).map(List::of);
        }
        return Uni.join().all(calls).andFailFast();
    }

    static long count(List<Reply> replies) {
        return replies.stream().filter(Reply::yes).count();
    }

    /** node → why it failed, for {@link io.safelock.lock.QuorumUnavailableException}. */
    static Map<String, String> failures(List<Reply> replies) {
        Map<String, String> failed = new LinkedHashMap<>();
        for (Reply reply : replies) {
            if (!reply.ok()) {
                failed.put(reply.node().name(), RedisNode.reason(reply.failure()) + ": " + reply.failure().getMessage());
            }
        }
        return failed;
    }
}
