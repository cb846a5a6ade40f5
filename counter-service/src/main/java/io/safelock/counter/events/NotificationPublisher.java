package io.safelock.counter.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import io.safelock.counter.config.CounterConfig;
import io.safelock.counter.config.Replica;
import io.safelock.counter.rabbit.RabbitConnector;
import io.safelock.counter.rabbit.RabbitParticipant;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sends {@code counter.updated} notifications with publisher confirms. A notification stays in this
 * replica's outbox until the broker confirms it; while the broker is away the outbox fills and is sent
 * after reconnecting, unconfirmed ones included (receivers drop the duplicates by event id). The outbox
 * is bounded: past {@code counter.rabbitmq.outbox-capacity} the oldest notification is dropped and logged.
 * All state is touched on the connector thread only.
 */
@Singleton
public class NotificationPublisher implements RabbitParticipant {

    private static final Logger LOG = Logger.getLogger(NotificationPublisher.class);

    private record Pending(String eventId, byte[] body) {
    }

    private final RabbitConnector connector;
    private final ObjectMapper json;
    private final String exchange;
    private final String replica;
    private final int capacity;
    private final Deque<Pending> outbox = new ArrayDeque<>();
    private final NavigableMap<Long, Pending> unconfirmed = new TreeMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private Channel channel;

    public NotificationPublisher(RabbitConnector connector, ObjectMapper json, CounterConfig config, Replica replica) {
        this.connector = connector;
        this.json = json;
        this.exchange = config.rabbitmq().updatedExchange();
        this.replica = replica.name();
        this.capacity = config.rabbitmq().outboxCapacity();
    }

    @Override
    public int order() {
        return 100;
    }

    /** Never blocks and never fails the update that triggered it. */
    public void publish(CounterUpdated update) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(update);
        } catch (JsonProcessingException e) {
            LOG.errorf("Could not serialize %s: %s", update, e);
            return;
        }
        queued.incrementAndGet();
        connector.execute(() -> {
            outbox.addLast(new Pending(update.eventId(), body));
            trim();
            flush();
        });
    }

    /** Notifications not yet confirmed by the broker (waiting in the outbox or sent but unconfirmed). */
    public int backlog() {
        return queued.get();
    }

    @Override
    public void connected(Connection connection) throws IOException {
        Channel fresh = connection.createChannel();
        fresh.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true);
        fresh.confirmSelect();
        fresh.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                connector.execute(() -> confirmed(fresh, tag, multiple, true));
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                connector.execute(() -> confirmed(fresh, tag, multiple, false));
            }
        });
        channel = fresh;
        if (!outbox.isEmpty()) {
            LOG.infof("[%s] sending %d notification(s) kept while RabbitMQ was unreachable", replica, outbox.size());
        }
        flush();
    }

    @Override
    public void disconnected() {
        channel = null;
        requeueUnconfirmed(unconfirmed);
    }

    private void flush() {
        Channel current = channel;
        while (current != null && current.isOpen() && !outbox.isEmpty()) {
            Pending next = outbox.peekFirst();
            long tag = current.getNextPublishSeqNo();
            try {
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                        .deliveryMode(2).messageId(next.eventId()).appId(replica).build();
                current.basicPublish(exchange, "", props, next.body());
            } catch (IOException | RuntimeException e) {
                LOG.debugf("Publishing a notification failed, keeping it for the next connection: %s", e.toString());
                return;
            }
            outbox.pollFirst();
            unconfirmed.put(tag, next);
        }
    }

    private void confirmed(Channel from, long tag, boolean multiple, boolean ack) {
        if (from != channel) {
            return; // a late confirm from a dead channel: its messages were already put back in the outbox
        }
        NavigableMap<Long, Pending> done = multiple ? unconfirmed.headMap(tag, true) : unconfirmed.subMap(tag, true, tag, true);
        if (ack) {
            queued.addAndGet(-done.size());
            done.clear();
        } else {
            LOG.warnf("[%s] broker refused %d notification(s); sending again", replica, done.size());
            requeueUnconfirmed(done);
            flush();
        }
    }

    private void requeueUnconfirmed(NavigableMap<Long, Pending> messages) {
        List<Pending> again = new ArrayList<>(messages.values());
        messages.clear();
        for (int i = again.size() - 1; i >= 0; i--) {
            outbox.addFirst(again.get(i));
        }
    }

    private void trim() {
        while (outbox.size() + unconfirmed.size() > capacity && !outbox.isEmpty()) {
            outbox.pollFirst();
            queued.decrementAndGet();
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.warnf("[%s] notification outbox full (%d): dropped %d oldest notification(s) so far", replica, capacity, dropped.get());
            }
        }
    }
}
