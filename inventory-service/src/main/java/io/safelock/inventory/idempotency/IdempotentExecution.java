package io.safelock.inventory.idempotency;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.metrics.PurchaseMetrics;
import io.safelock.inventory.service.Pause;
import io.safelock.inventory.service.Replies;
import io.safelock.inventory.service.Reply;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Runs a request at most once per Idempotency-Key, across every replica sharing the database. The
 * first copy claims the key; later copies wait for its stored answer and replay it. A purchase stores
 * its answer in its own transaction (see {@link ClaimLostException}); other definitive answers are
 * stored afterwards; answers that changed nothing and may succeed later (lock busy, quorum down)
 * release the key so a retry with the same key runs again.
 */
@ApplicationScoped
public class IdempotentExecution {

    /** What to do with the key once the work has answered. */
    public enum Completion {
        /** The work stored the answer in its own transaction. */
        RECORDED,
        /** Store this answer: it is final for this key. */
        RECORD,
        /** Nothing changed and a retry may succeed: free the key. */
        FORGET
    }

    public record Executed(Reply reply, Completion completion) { }

    private static final Logger LOG = Logger.getLogger(IdempotentExecution.class);
    private static final long CLEANUP_EVERY_MS = 60_000;

    private final IdempotencyRepository repository;
    private final InventoryConfig.Idempotency settings;
    private final Replies replies;
    private final PurchaseMetrics metrics;
    private final Vertx vertx;
    private final Pause pause;
    private long cleanupTimer = -1;

    IdempotentExecution(IdempotencyRepository repository, InventoryConfig config, Replies replies, PurchaseMetrics metrics, Vertx vertx,
                        Pause pause) {
        this.repository = repository;
        this.settings = config.idempotency();
        this.replies = replies;
        this.metrics = metrics;
        this.vertx = vertx;
        this.pause = pause;
    }

    /**
     * @param key         the Idempotency-Key header, or null to just run the work
     * @param fingerprint what the request asks for; reusing a key for a different request is refused
     */
    public Uni<Reply> execute(String key, String fingerprint, Function<IdempotencyClaim, Uni<Executed>> work) {
        if (key == null) {
            return Uni.createFrom().deferred(() -> work.apply(null)).map(Executed::reply);
        }
        return attempt(key, fingerprint, work, System.nanoTime() + settings.waitForFirst().toNanos(), 0);
    }

    private Uni<Reply> attempt(String key, String fingerprint, Function<IdempotencyClaim, Uni<Executed>> work, long deadline, int polls) {
        IdempotencyClaim claim = new IdempotencyClaim(key, UUID.randomUUID());
        return repository.claim(key, fingerprint, claim.token(), settings.claimTimeout()).flatMap(claimed -> claimed
                ? run(claim, fingerprint, work, deadline)
                : repository.find(key).flatMap(entry -> {
                    if (entry.isEmpty()) {
                        return attempt(key, fingerprint, work, deadline, polls); // released just now: claim it
                    }
                    IdempotencyRepository.Entry existing = entry.get();
                    if (!existing.fingerprint().equals(fingerprint)) {
                        return Uni.createFrom().item(replies.error(422,
                                "Idempotency-Key '" + key + "' was already used for a different request",
                                Map.of("reason", "idempotency_key_reused")));
                    }
                    if (existing.completed()) {
                        metrics.replayed();
                        return Uni.createFrom().item(new Reply(existing.status(), existing.body(), true));
                    }
                    if (System.nanoTime() >= deadline) {
                        return Uni.createFrom().item(replies.error(409,
                                "A request with Idempotency-Key '" + key + "' is still in progress; retry later",
                                Map.of("reason", "idempotency_key_in_progress")));
                    }
                    return pause.of(Duration.ofMillis(pollDelayMs(polls))).flatMap(tick -> attempt(key, fingerprint, work, deadline, polls + 1));
                }));
    }

    private Uni<Reply> run(IdempotencyClaim claim, String fingerprint, Function<IdempotencyClaim, Uni<Executed>> work, long deadline) {
        return Uni.createFrom().deferred(() -> work.apply(claim))
                .flatMap(executed -> switch (executed.completion()) {
                    case RECORDED -> Uni.createFrom().item(executed.reply());
                    case RECORD -> repository.complete(claim, executed.reply().status(), executed.reply().json())
                            .replaceWith(executed.reply());
                    case FORGET -> repository.release(claim).onFailure().recoverWithNull().replaceWith(executed.reply());
                })
                .onFailure().call(failure -> failure instanceof ClaimLostException
                        ? Uni.createFrom().voidItem()
                        : repository.release(claim).onFailure().recoverWithNull())
                .onFailure(ClaimLostException.class).recoverWithUni(lost -> {
                    LOG.infof("%s; answering with its result", lost.getMessage());
                    return attempt(claim.key(), fingerprint, work, deadline, 1);
                });
    }

    private static long pollDelayMs(int polls) {
        return Math.min(100, 10L << Math.min(polls, 4));
    }

    void startCleanup(@Observes StartupEvent event) {
        cleanupTimer = vertx.setPeriodic(CLEANUP_EVERY_MS, id -> repository.deleteOlderThan(settings.retention())
                .subscribe().with(
                        deleted -> LOG.debugf("Forgot %d idempotency keys older than %s", deleted, settings.retention()),
                        failure -> LOG.debugf("Idempotency key clean-up failed: %s", failure.getMessage())));
    }

    void stopCleanup(@Observes ShutdownEvent event) {
        if (cleanupTimer >= 0) {
            vertx.cancelTimer(cleanupTimer);
        }
    }
}
