package io.safelock.inventory.service;

import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.lock.DistributedLocks;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * {@code POST /buy/{id}}: keeps retrying a busy lock (backoff with jitter, woken by releases) for up
 * to {@code inventory.buy.max-wait}, so a crowd of buyers is served instead of turned away.
 */
@Singleton
public class LockedPurchaseWithRetry extends LockedPurchase {

    private final Duration maxWait;

    LockedPurchaseWithRetry(Pool pool, ProductRepository products, PurchaseRecorder recorder, Pause pause, DistributedLocks locks,
                            InventoryConfig config) {
        super(pool, products, recorder, pause, locks);
        this.maxWait = config.buy().maxWait();
    }

    @Override
    Duration maxWait() {
        return maxWait;
    }
}
