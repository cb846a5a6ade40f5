package io.safelock.inventory.service;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** The simulated processing time, on a Vert.x timer so no thread sleeps. */
@ApplicationScoped
public class Pause {

    private final Vertx vertx;

    Pause(Vertx vertx) {
        this.vertx = vertx;
    }

    public Uni<Void> of(Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            return Uni.createFrom().voidItem();
        }
        long ms = Math.max(1, delay.toMillis());
        return Uni.createFrom().emitter(emitter -> {
            long timer = vertx.setTimer(ms, id -> emitter.complete(null));
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        });
    }
}
