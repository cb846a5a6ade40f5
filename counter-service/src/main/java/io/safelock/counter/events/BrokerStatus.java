package io.safelock.counter.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.safelock.counter.config.Replica;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.health.HealthReport.ChannelInfo;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQConnector;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.jboss.logging.Logger;

/**
 * What the RabbitMQ connector says about its connections, which it opens and re-opens by itself: whether a
 * channel is connected now, and one log line when this replica loses the broker and one when it has it
 * back (the connector's client would log every failed attempt).
 */
@Singleton
public class BrokerStatus {

    private static final Logger LOG = Logger.getLogger(BrokerStatus.class);
    private static final long CHECK_EVERY_MS = 1000;

    private final RabbitMQConnector connector;
    private final Vertx vertx;
    private final String replica;
    private final String address;
    private Boolean lastSeen;
    private Boolean logged;
    private long timer = -1;

    public BrokerStatus(@Connector(RabbitMQConnector.CONNECTOR_NAME) RabbitMQConnector connector, Vertx vertx, Replica replica,
                        @ConfigProperty(name = "rabbitmq-host") String host, @ConfigProperty(name = "rabbitmq-port") int port) {
        this.connector = connector;
        this.vertx = vertx;
        this.replica = replica.name();
        this.address = host + ":" + port;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(CHECK_EVERY_MS, id -> check());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** True while {@code channel} has an open connection and channel to the broker (or has not needed one yet). */
    public boolean connected(String channel) {
        return connector.getReadiness().getChannels().stream().filter(c -> c.getChannel().equals(channel)).allMatch(ChannelInfo::isOk);
    }

    /** Logs a change once it has held for two checks in a row: a channel is briefly down while it opens its first connection. */
    private synchronized void check() {
        HealthReport report = connector.getReadiness();
        boolean up = report.isOk();
        boolean heldSinceLastCheck = lastSeen != null && lastSeen == up;
        lastSeen = up;
        if (!heldSinceLastCheck || (logged != null && logged == up)) {
            return;
        }
        if (up) {
            LOG.infof("[%s] connected to RabbitMQ at %s", replica, address);
        } else {
            String down = report.getChannels().stream().filter(c -> !c.isOk()).map(ChannelInfo::getChannel).collect(Collectors.joining(", "));
            LOG.warnf("[%s] %s (%s, channels down: %s); the connector keeps reconnecting", replica,
                    logged == null ? "not connected to RabbitMQ yet" : "lost the RabbitMQ connection", address, down);
        }
        logged = up;
    }
}
