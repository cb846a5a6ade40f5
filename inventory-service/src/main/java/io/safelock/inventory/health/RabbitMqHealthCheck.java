package io.safelock.inventory.health;

import io.safelock.inventory.events.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the event relay holds a confirm-mode connection to RabbitMQ. Purchases would still
 * commit without it (their events wait in the outbox), but the service is not fully working.
 */
@Readiness
@ApplicationScoped
public class RabbitMqHealthCheck implements HealthCheck {

    private final EventPublisher publisher;

    RabbitMqHealthCheck(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("RabbitMQ")
                .status(publisher.isConnected())
                .withData("broker", publisher.broker());
        if (!publisher.isConnected() && publisher.lastError() != null) {
            response.withData("error", publisher.lastError());
        }
        return response.build();
    }
}
