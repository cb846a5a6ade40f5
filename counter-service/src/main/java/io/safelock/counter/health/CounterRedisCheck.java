package io.safelock.counter.health;

import io.safelock.counter.store.CounterStore;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the Redis holding the counters and the queue answers PING. */
@Readiness
@Singleton
public class CounterRedisCheck implements AsyncHealthCheck {

    private final CounterStore store;
    private final String hosts;

    public CounterRedisCheck(CounterStore store, @ConfigProperty(name = "quarkus.redis.hosts") String hosts) {
        this.store = store;
        this.hosts = hosts;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return store.ping()
                .map(ok -> HealthCheckResponse.named("counter-redis").status(ok).withData("hosts", hosts).build())
                .ifNoItem().after(Duration.ofSeconds(2)).failWith(() -> new IllegalStateException("no answer within 2 s"))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("counter-redis").down()
                        .withData("hosts", hosts).withData("error", String.valueOf(failure.getMessage())).build());
    }
}
