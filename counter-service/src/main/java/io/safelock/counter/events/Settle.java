package io.safelock.counter.events;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** The three ways a consumer of this service settles a received message. */
public final class Settle {

    private Settle() {
    }

    /** Done (applied, or recognised as a duplicate): the broker forgets the message. */
    public static Uni<Void> ack(Message<?> message) {
        return Uni.createFrom().completionStage(message::ack);
    }

    /** Unprocessable whatever happens: dropped (or dead-lettered, if the queue has a dead-letter exchange). */
    public static Uni<Void> reject(Message<?> message, Throwable reason) {
        return Uni.createFrom().completionStage(() -> message.nack(reason, Metadata.of(new RabbitMQRejectMetadata(false))));
    }

    /**
     * Failed for now (lock or Redis unavailable): handed back to the queue after a pause, so it is retried here
     * or by another replica. The pause also holds back this channel's next message, which would most likely
     * fail for the same reason.
     */
    public static Uni<Void> retryLater(Message<?> message, Throwable reason, Duration delay) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                .chain(() -> Uni.createFrom().completionStage(() -> message.nack(reason, Metadata.of(new RabbitMQRejectMetadata(true)))));
    }
}
