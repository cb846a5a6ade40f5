package io.safelock.inventory.service;

import io.safelock.inventory.events.OutboxRelay;
import io.safelock.inventory.idempotency.ClaimLostException;
import io.safelock.inventory.idempotency.IdempotencyClaim;
import io.safelock.inventory.idempotency.IdempotentExecution;
import io.safelock.inventory.idempotency.IdempotentExecution.Completion;
import io.safelock.inventory.idempotency.IdempotentExecution.Executed;
import io.safelock.inventory.metrics.PurchaseMetrics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** Entry point of every purchase route: idempotency, the chosen flow, metrics, the HTTP answer. */
@ApplicationScoped
public class PurchaseService {

    private static final Logger LOG = Logger.getLogger(PurchaseService.class);

    private final Map<Strategy, PurchaseFlow> flows = new EnumMap<>(Strategy.class);
    private final IdempotentExecution idempotency;
    private final Replies replies;
    private final PurchaseMetrics metrics;
    private final OutboxRelay relay;

    PurchaseService(UnlockedPurchase unlocked, LockedPurchase locked,
                    ConditionalUpdatePurchase conditional, RowLockPurchase rowLock, IdempotentExecution idempotency,
                    Replies replies, PurchaseMetrics metrics, OutboxRelay relay, CheckoutGate checkouts) {
        flows.put(Strategy.WITHOUT_LOCK, unlocked);
        flows.put(Strategy.WITH_LOCK, locked);
        // /buy (and its long form /purchase/with-lock-retry) holds a checkout permit while it runs
        flows.put(Strategy.WITH_LOCK_RETRY, checkouts.around(locked));
        flows.put(Strategy.CONDITIONAL_UPDATE, conditional);
        flows.put(Strategy.SELECT_FOR_UPDATE, rowLock);
        this.idempotency = idempotency;
        this.replies = replies;
        this.metrics = metrics;
        this.relay = relay;
        for (Strategy strategy : Strategy.values()) {
            metrics.registerStrategy(strategy.path(), strategy.takesTheLock());
        }
    }

    public Uni<Reply> purchase(PurchaseCommand command) {
        return idempotency.execute(command.idempotencyKey(), command.fingerprint(), claim -> run(command, claim));
    }

    private Uni<Executed> run(PurchaseCommand command, IdempotencyClaim claim) {
        return Uni.createFrom().deferred(() -> flows.get(command.strategy()).purchase(command, claim))
                .invoke(outcome -> observe(command, outcome))
                .onFailure(failure -> !(failure instanceof ClaimLostException))
                .invoke(failure -> metrics.purchase(command.strategy().path(), "error", command.elapsed()))
                .map(outcome -> new Executed(reply(command, outcome), completion(outcome)));
    }

    private void observe(PurchaseCommand command, PurchaseOutcome outcome) {
        String strategy = command.strategy().path();
        metrics.purchase(strategy, outcome.tag(), command.elapsed());
        if (outcome instanceof PurchaseOutcome.Purchased purchased) {
            metrics.sold(strategy, command.quantity());
            if (purchased.remainingStock() < 0) {
                int oversold = Math.min(command.quantity(), -purchased.remainingStock());
                metrics.oversold(strategy, oversold);
                LOG.warnf("Oversold %d unit(s) of product %d (%s): stock is now %d", oversold, command.productId(), strategy,
                        purchased.remainingStock());
            }
            relay.wakeUp();
        }
        if (outcome instanceof PurchaseOutcome.LockFailed failed && failed.fenceRefused()) {
            metrics.fenceRefused(strategy);
        }
    }

    private Reply reply(PurchaseCommand command, PurchaseOutcome outcome) {
        return switch (outcome) {
            case PurchaseOutcome.Purchased purchased -> purchased.reply();
            case PurchaseOutcome.OutOfStock out -> replies.error(400, "Out of stock", details(
                    "reason", "out_of_stock", "product_id", command.productId(), "available", out.available(), "requested", command.quantity()));
            case PurchaseOutcome.ProductNotFound missing -> replies.error(404, "Product not found", details(
                    "product_id", command.productId()));
            case PurchaseOutcome.LockFailed failed -> replies.error(failed.failure());
        };
    }

    private static Completion completion(PurchaseOutcome outcome) {
        return switch (outcome) {
            case PurchaseOutcome.Purchased purchased -> Completion.RECORDED;
            case PurchaseOutcome.OutOfStock out -> Completion.RECORD;
            case PurchaseOutcome.ProductNotFound missing -> Completion.RECORD;
            default -> Completion.FORGET;
        };
    }

    private static Map<String, Object> details(Object... keysAndValues) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            details.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return details;
    }
}
