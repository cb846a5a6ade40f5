package io.safelock.inventory.service;

import io.safelock.inventory.data.ProductRepository;
import io.safelock.lock.DistributedLocks;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Singleton;
import java.time.Duration;

/** {@code POST /purchase/with-lock/{id}}: waits up to {@code lock.wait-timeout} for a busy lock, then answers 409. */
@Singleton
public class LockedPurchaseWithTimeout extends LockedPurchase {

    private final Duration maxWait;

    LockedPurchaseWithTimeout(Pool pool, ProductRepository products, PurchaseRecorder recorder, Pause pause, DistributedLocks locks) {
        super(pool, products, recorder, pause, locks);
        this.maxWait = locks.settings().waitTimeout();
    }

    @Override
    Duration maxWait() {
        return maxWait;
    }
}
