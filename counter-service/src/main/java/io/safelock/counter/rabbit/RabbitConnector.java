package io.safelock.counter.rabbit;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one broker connection of this replica. It reconnects on its own for as long as the broker is away
 * and has every {@link RabbitParticipant} re-declare and re-subscribe on each new connection; the client
 * library's own recovery is off so that this is the only path. Broker calls block, so they all run on
 * the connector's thread, never on an event loop.
 */
@Singleton
public class RabbitConnector {

    private static final Logger LOG = Logger.getLogger(RabbitConnector.class);

    private final ConnectionFactory factory = new ConnectionFactory();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rabbitmq-connector");
        t.setDaemon(true);
        return t;
    });
    private final Instance<RabbitParticipant> participants;
    private final String replica;
    private final long reconnectMs;
    private final String address;
    private volatile Connection connection;
    private volatile String lastError = "not connected yet";
    private volatile boolean stopping;
    private boolean outageLogged;

    public RabbitConnector(Instance<RabbitParticipant> participants, Replica replica, CounterConfig config,
                           @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
                           @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
                           @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
                           @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password,
                           @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost) {
        this.participants = participants;
        this.replica = replica.name();
        this.reconnectMs = Math.max(50, config.rabbitmq().reconnectInterval().toMillis());
        this.address = host + ":" + port;
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setConnectionTimeout(3000);
        factory.setHandshakeTimeout(5000);
        factory.setRequestedHeartbeat(10);
    }

    void start(@Observes StartupEvent event) {
        thread.execute(this::connect);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        thread.execute(() -> {
            Connection current = connection;
            connection = null;
            if (current != null && current.isOpen()) {
                try {
                    current.close(2000);
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
        });
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isConnected() {
        Connection current = connection;
        return current != null && current.isOpen();
    }

    public String address() {
        return address;
    }

    public String lastError() {
        return lastError;
    }

    /** Runs a broker call on the connector thread (publishing, acknowledging). */
    public void execute(Runnable task) {
        if (!thread.isShutdown()) {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.debugf("Broker call failed: %s", e.toString());
                }
            });
        }
    }

    /** A participant found its channel broken: start over with a fresh connection. */
    public void reconnect(String reason) {
        execute(() -> {
            Connection current = connection;
            if (current != null) {
                LOG.warnf("[%s] resetting the RabbitMQ connection: %s", replica, reason);
                current.abort(1000); // its shutdown listener schedules the reconnect
            }
        });
    }

    private void connect() {
        if (stopping || isConnected()) {
            return;
        }
        Connection fresh = null;
        try {
            fresh = factory.newConnection("counter-service " + replica);
            for (RabbitParticipant participant : ordered()) {
                participant.connected(fresh);
            }
            Connection established = fresh;
            connection = established;
            established.addShutdownListener(cause -> lost(established, cause));
            lastError = null;
            outageLogged = false;
            LOG.infof("[%s] connected to RabbitMQ at %s", replica, address);
        } catch (Exception e) {
            lastError = e.toString();
            if (fresh != null) {
                fresh.abort(1000);
            }
            if (!outageLogged) {
                LOG.warnf("[%s] RabbitMQ at %s unreachable (%s); retrying every %d ms", replica, address, e, reconnectMs);
                outageLogged = true;
            } else {
                LOG.debugf("[%s] RabbitMQ still unreachable: %s", replica, e);
            }
            schedule();
        }
    }

    private void lost(Connection lostConnection, ShutdownSignalException cause) {
        if (stopping) {
            return;
        }
        thread.execute(() -> {
            if (connection != lostConnection) {
                return;
            }
            connection = null;
            lastError = "connection lost: " + cause.getMessage();
            LOG.warnf("[%s] lost the RabbitMQ connection (%s); reconnecting", replica, cause.getMessage());
            outageLogged = true;
            for (RabbitParticipant participant : ordered()) {
                participant.disconnected();
            }
            schedule();
        });
    }

    private void schedule() {
        if (!stopping && !thread.isShutdown()) {
            thread.schedule(this::connect, reconnectMs, TimeUnit.MILLISECONDS);
        }
    }

    private List<RabbitParticipant> ordered() {
        return participants.stream().sorted(Comparator.comparingInt(RabbitParticipant::order)).toList();
    }
}
