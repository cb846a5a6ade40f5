package io.safelock.lock.internal.redis;

import io.safelock.lock.config.LockSettings;
import io.safelock.lock.config.RedisNodeAddress;
import io.safelock.lock.config.RedisTls;
import io.safelock.lock.internal.Deadlines;
import io.safelock.lock.redis.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jboss.logging.Logger;

/**
 * One Redis node as the lock sees it: runs scripts by SHA with a hard per-request timeout, and notices
 * when the node goes down or comes back (logged once per change, not per request).
 * <p>
 * A request that times out because this process stalled, not the node, is reported as
 * {@code client_stall} instead of {@code timeout}: either the timeout itself fired far past its deadline
 * (the whole JVM did not run: CPU starvation, GC pause), or the event loop that reads the node's answers
 * was still busy when asked right after the timeout (its answer was waiting unread). Such a request fails
 * like any other (the lock algorithm must not wait), but the node is not marked down for it.
 */
public final class RedisNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisNode.class);
    private static final Object GAVE_UP = new Object();

    private final RedisNodeAddress address;
    private final Redis client;
    private final AtomicReferenceArray<Uni<RedisConnection>> connections;
    /** The event loop each connection's answers are read on, once it is open. */
    private final AtomicReferenceArray<Context> loops;
    private final AtomicInteger nextConnection = new AtomicInteger();
    private final Duration timeout;
    private final Duration connectTimeout;
    private final BiConsumer<String, String> errorListener;
    private volatile boolean down;
    /** Until a node has answered once, requests may wait for the connection to open (cold start). */
    private volatile boolean answered;

    /**
     * @param errorListener told (node, reason) for every failed request: "timeout", "client_stall", "connection" or "error"
     */
    public RedisNode(Vertx vertx, RedisNodeAddress address, LockSettings settings, BiConsumer<String, String> errorListener) {
        this.address = address;
        this.timeout = settings.nodeTimeout();
        this.connectTimeout = settings.connectTimeout();
        this.errorListener = errorListener;
        this.client = Redis.createClient(vertx, options(address, settings));
        this.connections = new AtomicReferenceArray<>(settings.poolSize());
        this.loops = new AtomicReferenceArray<>(settings.poolSize());
    }

    /** One of the node's long-lived connections, in turn, opened on first use and again after it breaks. */
    private Uni<RedisConnection> connection() {
        return connection(nextSlot());
    }

    private int nextSlot() {
        return Math.floorMod(nextConnection.getAndIncrement(), connections.length());
    }

    private Uni<RedisConnection> connection(int slot) {
        Uni<RedisConnection> current = connections.get(slot);
        if (current != null) {
            return current;
        }
        AtomicReference<Uni<RedisConnection>> self = new AtomicReference<>();
        // A connection may take longer to open than a request to answer (TCP, HELLO, AUTH on a cold JVM),
        // so opening has its own, longer bound; a hung open fails and frees the slot for the next try.
        // A connection that opens after we gave up must be closed: it holds one of the client's pool slots,
        // and leaked slots would leave every later open waiting for the pool, i.e. the node down for good.
        AtomicReference<Object> opened = new AtomicReference<>();
        Uni<RedisConnection> opening = Uni.createFrom().<RedisConnection>emitter(emitter -> client.connect().subscribe().with(
                        conn -> {
                            if (opened.compareAndSet(null, conn)) {
                                loops.set(slot, io.vertx.core.Vertx.currentContext());
                                emitter.complete(conn);
                            } else {
                                conn.closeAndForget();
                            }
                        },
                        failure -> emitter.fail(explainTls(failure))))
                .ifNoItem().after(connectTimeout)
                .failWith(() -> {
                    if (!opened.compareAndSet(null, GAVE_UP) && opened.get() instanceof RedisConnection late) {
                        late.closeAndForget();
                    }
                    return new TimeoutException("connection not open within " + connectTimeout.toMillis() + " ms");
                })
                .invoke(conn -> {
                    conn.exceptionHandler(failure -> connections.compareAndSet(slot, self.get(), null));
                    conn.endHandler(() -> connections.compareAndSet(slot, self.get(), null));
                })
                .onFailure().invoke(() -> connections.compareAndSet(slot, self.get(), null))
                .memoize().indefinitely();
        self.set(opening);
        return connections.compareAndSet(slot, null, opening) ? opening : connection(slot);
    }

    /** Requests are pipelined over a few long-lived connections: far cheaper than leasing a pooled connection per request. */
    private Uni<Response> request(int slot, Request request) {
        Duration limit = answered ? timeout : connectTimeout.plus(timeout);
        long sent = System.nanoTime();
        return Deadlines.within(connection(slot).flatMap(conn -> conn.send(request)), limit,
                () -> new NoAnswer(limit, System.nanoTime() - sent - limit.toNanos(), slot));
    }

    /** A request's timeout, with how late the timeout itself fired and the connection slot it used. */
    static final class NoAnswer extends TimeoutException {
        final long lateNanos;
        final int slot;

        NoAnswer(Duration limit, long lateNanos, int slot) {
            super("no answer within " + limit.toMillis() + " ms");
            this.lateNanos = lateNanos;
            this.slot = slot;
        }
    }

    /** How late a timeout or an event loop may run before the stall is this process's, not the node's. */
    private long stallThresholdNanos() {
        return Math.max(timeout.toNanos() / 2, 20_000_000L);
    }

    /** Opens every connection now, so that the first lock requests do not pay for it. */
    public Uni<Void> open() {
        List<Uni<RedisConnection>> all = new java.util.ArrayList<>();
        for (int i = 0; i < connections.length(); i++) {
            all.add(connection().onFailure().recoverWithNull());
        }
        return Uni.join().all(all).andFailFast().replaceWithVoid();
    }

    static RedisOptions options(RedisNodeAddress address, LockSettings settings) {
        NetClientOptions net = new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true);
        if (address.tls()) {
            tls(net, settings.tls());
        }
        RedisOptions options = new RedisOptions()
                .setConnectionString(address.uri())
                .setMaxPoolSize(settings.poolSize())
                .setMaxPoolWaiting(settings.poolSize() * 64)
                .setNetClientOptions(net);
        settings.password().ifPresent(options::setPassword);
        return options;
    }

    /** TLS from the first byte; no trust options means the JVM's default trust, never trust-all. */
    private static void tls(NetClientOptions net, RedisTls tls) {
        // Vert.x has no default here and refuses TLS without one: "HTTPS" checks the URI's host against the certificate
        net.setSsl(true).setHostnameVerificationAlgorithm(tls.verifyHost() ? "HTTPS" : "");
        tls.trustStore().ifPresent(path -> {
            String password = tls.trustStorePassword().orElse(null);
            TrustOptions trust = switch (RedisTls.format(path)) {
                case PEM -> new PemTrustOptions().addCertPath(path.toString());
                case PKCS12 -> new PfxOptions().setPath(path.toString()).setPassword(password);
                case JKS -> new JksOptions().setPath(path.toString()).setPassword(password);
            };
            net.setTrustOptions(trust);
        });
    }

    /** A failed handshake says so and names the settings to check, instead of a bare certificate-path error. */
    private Throwable explainTls(Throwable failure) {
        SSLException deepest = null;
        boolean untrusted = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException ssl) {
                deepest = ssl;
            }
            untrusted |= cause instanceof java.security.cert.CertPathBuilderException
                    || cause instanceof java.security.cert.CertPathValidatorException;
        }
        if (deepest == null) {
            return failure;
        }
        SSLHandshakeException explained = new SSLHandshakeException("TLS handshake with " + name() + " failed: "
                + (untrusted ? "its certificate is not signed by a trusted CA: " : "") + deepest.getMessage()
                + " (check lock.redis.tls.trust-store and lock.redis.tls.verify-host)");
        explained.initCause(failure);
        return explained;
    }

    public String name() {
        return address.display();
    }

    public RedisNodeAddress address() {
        return address;
    }

    /** True once the node has answered a request; until then requests may wait for the connect timeout too. */
    public boolean hasAnswered() {
        return answered;
    }

    public boolean isDown() {
        return down;
    }

    /**
     * Runs the script; a node that does not know it (restarted, flushed) gets the body once more.
     * Scripts on the same first key always go over the same connection, so the node runs them in the
     * order they were sent: an undo sent after an attempt that timed out on our side still lands after
     * that attempt, instead of overtaking it and leaving its key behind.
     */
    public Uni<Response> eval(LuaScript script, List<String> keys, List<String> args) {
        int slot = keys.isEmpty() ? nextSlot()
                : Math.floorMod(keys.get(0).hashCode(), connections.length());
        Uni<Response> bySha = request(slot, scriptRequest(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(RedisNode::isNoScript)
                .recoverWithUni(() -> request(slot, scriptRequest(Command.EVAL, script.body(), keys, args)));
        return guarded(bySha);
    }

    public Uni<Response> send(Request request) {
        return guarded(request(nextSlot(), request));
    }

    private Uni<Response> guarded(Uni<Response> call) {
        return call.invoke(this::markUp)
                .onFailure().invoke(this::markFailed);
    }

    private static Request scriptRequest(Command command, String scriptOrSha, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(scriptOrSha).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    private static boolean isNoScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private void markUp() {
        answered = true;
        if (down) {
            down = false;
            LOG.infof("Redis node %s is answering again", name());
        }
    }

    private void markFailed(Throwable failure) {
        if (!(failure instanceof NoAnswer noAnswer)) {
            failed(failure, reason(failure));
            return;
        }
        if (noAnswer.lateNanos > stallThresholdNanos()) {
            clientStall(noAnswer, "timeout fired " + noAnswer.lateNanos / 1_000_000 + " ms late");
            return;
        }
        Context loop = loops.get(noAnswer.slot);
        if (loop == null) {
            failed(failure, "timeout");
            return;
        }
        long asked = System.nanoTime();
        loop.runOnContext(ignored -> {
            long lag = System.nanoTime() - asked;
            if (lag > stallThresholdNanos()) {
                clientStall(noAnswer, "event loop reading the node ran " + lag / 1_000_000 + " ms late");
            } else {
                failed(failure, "timeout");
            }
        });
    }

    private void clientStall(NoAnswer failure, String evidence) {
        errorListener.accept(name(), "client_stall");
        LOG.debugf("Request to Redis node %s timed out because this process stalled (%s): %s", name(), evidence, failure.getMessage());
    }

    private void failed(Throwable failure, String reason) {
        errorListener.accept(name(), reason);
        if ("error".equals(reason)) {
            LOG.debugf("Redis node %s answered with an error: %s", name(), failure.getMessage());
            return;
        }
        if (!down) {
            down = true;
            LOG.warnf("Redis node %s is down or unreachable (%s): %s", name(), reason, failure.getMessage());
        } else {
            LOG.debugf("Redis node %s still failing (%s): %s", name(), reason, failure.getMessage());
        }
    }

    /** Classifies a failure for logs, metrics and {@link io.safelock.lock.QuorumUnavailableException}. */
    public static String reason(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "timeout";
        }
        if (failure instanceof java.io.IOException || failure instanceof io.vertx.core.VertxException
                || (failure.getMessage() != null && failure.getMessage().contains("onnection"))) {
            return "connection";
        }
        return "error";
    }

    @Override
    public void close() {
        client.close();
    }
}
