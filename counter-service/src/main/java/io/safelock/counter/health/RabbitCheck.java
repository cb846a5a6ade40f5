package io.safelock.counter.health;

import io.safelock.counter.events.NotificationPublisher;
import io.safelock.counter.rabbit.RabbitConnector;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while connected to RabbitMQ; reports the notifications still waiting for the broker. */
@Readiness
@Singleton
public class RabbitCheck implements HealthCheck {

    private final RabbitConnector connector;
    private final NotificationPublisher publisher;

    public RabbitCheck(RabbitConnector connector, NotificationPublisher publisher) {
        this.connector = connector;
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("rabbitmq").status(connector.isConnected())
                .withData("address", connector.address()).withData("unconfirmedNotifications", publisher.backlog());
        if (!connector.isConnected() && connector.lastError() != null) {
            builder.withData("error", connector.lastError());
        }
        return builder.build();
    }
}
