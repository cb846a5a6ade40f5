package io.safelock.inventory.health;

import io.safelock.lock.DistributedLocks;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while a quorum of the Redis lock nodes answers PING; lists every node's state. */
@Readiness
@ApplicationScoped
public class RedisQuorumHealthCheck implements AsyncHealthCheck {

    private final DistributedLocks locks;

    RedisQuorumHealthCheck(DistributedLocks locks) {
        this.locks = locks;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return locks.nodeStatus().map(status -> {
            long up = status.values().stream().filter("up"::equals).count();
            HealthCheckResponseBuilder response = HealthCheckResponse.named("Redis lock quorum")
                    .status(up >= locks.quorum())
                    .withData("quorum", locks.quorum())
                    .withData("nodes_up", up);
            status.forEach(response::withData);
            return response.build();
        });
    }
}
