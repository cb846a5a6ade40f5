package io.safelock.counter.health;

import io.safelock.lock.DistributedLocks;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while a quorum of the lock's Redis nodes answers: without it no locked or queued update can run. */
@Readiness
@Singleton
public class LockQuorumCheck implements AsyncHealthCheck {

    private final DistributedLocks locks;

    public LockQuorumCheck(DistributedLocks locks) {
        this.locks = locks;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return locks.nodeStatus().map(status -> {
            long up = status.values().stream().filter("up"::equals).count();
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("lock-redis-quorum")
                    .status(up >= locks.quorum()).withData("quorum", locks.quorum()).withData("up", up);
            status.forEach(builder::withData);
            return builder.build();
        }).ifNoItem().after(Duration.ofSeconds(2)).recoverWithItem(
                HealthCheckResponse.named("lock-redis-quorum").down().withData("error", "no answer within 2 s").build());
    }
}
