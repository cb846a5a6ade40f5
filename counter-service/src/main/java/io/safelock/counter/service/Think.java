package io.safelock.counter.service;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** The simulated work between read and write, as a timer: it never blocks a thread. */
public final class Think {

    private Think() {
    }

    public static Uni<Void> pause(int millis) {
        if (millis <= 0) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(millis));
    }
}
