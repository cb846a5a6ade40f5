package io.safelock.lock.quarkus;

import io.safelock.lock.DistributedLocks;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of every service that takes locks: UP while a quorum of the lock nodes answers PING, so a
 * replica that could grant no lock gets no traffic. Lists every node's state ({@code host:port → up} or
 * why not), the quorum and how many nodes are up.
 */
@Readiness
@ApplicationScoped
public class LockQuorumCheck implements AsyncHealthCheck {

    /** The check's name in {@code /q/health/ready}. */
    public static final String NAME = "lock-quorum";

    private final DistributedLocks locks;
    private final Duration answerWithin;

    LockQuorumCheck(DistributedLocks locks) {
        this.locks = locks;
        // A PING waits at most for the connection to open and then the node timeout; past that the node
        // has failed anyway, and a probe must not hang on it.
        this.answerWithin = locks.settings().connectTimeout().plus(locks.settings().nodeTimeout()).plusMillis(500);
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return locks.nodeStatus().map(status -> {
            long up = status.values().stream().filter("up"::equals).count();
            HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                    .status(up >= locks.quorum())
                    .withData("quorum", locks.quorum())
                    .withData("nodes_up", up);
            status.forEach(response::withData);
            return response.build();
        }).ifNoItem().after(answerWithin).recoverWithItem(() -> HealthCheckResponse.named(NAME).down()
                .withData("error", "the lock nodes gave no answer within " + answerWithin.toMillis() + " ms").build());
    }
}
