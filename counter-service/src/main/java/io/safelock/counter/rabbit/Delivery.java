package io.safelock.counter.rabbit;

import com.rabbitmq.client.Channel;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * One received message and the ways to settle it. Settling runs on the connector thread; a channel that
 * died meanwhile cannot settle, and then the broker redelivers the message, which the id check absorbs.
 */
public record Delivery(Channel channel, long tag, boolean redelivered, RabbitConnector connector) {

    private static final Logger LOG = Logger.getLogger(Delivery.class);

    /** Done: the broker forgets the message. */
    public void ack() {
        settle("ack", () -> channel.basicAck(tag, false));
    }

    /** Unprocessable whatever happens: drop it (or dead-letter it, if the queue has a dead-letter exchange). */
    public void reject() {
        settle("reject", () -> channel.basicReject(tag, false));
    }

    /** Failed for now (lock or Redis unavailable): hand it back after a pause so it is retried, here or elsewhere. */
    public void retryLater(Vertx vertx, Duration delay) {
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> settle("nack", () -> channel.basicNack(tag, false, true)));
    }

    private interface Call {
        void run() throws IOException;
    }

    private void settle(String what, Call call) {
        connector.execute(() -> {
            if (!channel.isOpen()) {
                LOG.debugf("Cannot %s delivery %d: its channel is closed; the broker will redeliver it", what, tag);
                return;
            }
            try {
                call.run();
            } catch (IOException | RuntimeException e) {
                LOG.debugf("Could not %s delivery %d: %s", what, tag, e.toString());
            }
        });
    }
}
