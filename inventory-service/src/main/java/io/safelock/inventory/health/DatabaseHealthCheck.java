package io.safelock.inventory.health;

import io.safelock.inventory.data.DatabaseBootstrap;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the schema is migrated and PostgreSQL answers a query through the request pool. */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Pool pool;
    private final DatabaseBootstrap bootstrap;

    DatabaseHealthCheck(Pool pool, DatabaseBootstrap bootstrap) {
        this.pool = pool;
        this.bootstrap = bootstrap;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        String version = bootstrap.schemaVersion();
        if (version == null) {
            return Uni.createFrom().item(HealthCheckResponse.named("PostgreSQL").down().withData("schema", "migrating").build());
        }
        return pool.query("SELECT 1").execute()
                .ifNoItem().after(TIMEOUT).fail()
                .map(rows -> HealthCheckResponse.named("PostgreSQL").up().withData("schema", version).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("PostgreSQL").down()
                        .withData("error", String.valueOf(failure.getMessage())).build());
    }
}
