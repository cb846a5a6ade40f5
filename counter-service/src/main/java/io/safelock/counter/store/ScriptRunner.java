package io.safelock.counter.store;

import io.safelock.lock.redis.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.util.List;

/** Runs scripts and plain commands on the counter Redis ({@code quarkus.redis.hosts}). */
@Singleton
public class ScriptRunner {

    private final Redis redis;

    public ScriptRunner(Redis redis) {
        this.redis = redis;
    }

    /** By SHA; a server that does not know the script yet (first call, restart, SCRIPT FLUSH) gets the body once. */
    public Uni<Response> eval(LuaScript script, List<String> keys, List<String> args) {
        return redis.send(request(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(ScriptRunner::isNoScript)
                .recoverWithUni(() -> redis.send(request(Command.EVAL, script.body(), keys, args)));
    }

    public Uni<Response> send(Command command, String... args) {
        Request request = Request.cmd(command);
        for (String arg : args) {
            request.arg(arg);
        }
        return redis.send(request);
    }

    private static Request request(Command command, String scriptOrSha, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(scriptOrSha).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }
}
