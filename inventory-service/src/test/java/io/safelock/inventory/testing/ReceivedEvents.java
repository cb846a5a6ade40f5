package io.safelock.inventory.testing;

import static org.assertj.core.api.Assertions.assertThat;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The events a test has drained from its RabbitMQ queue so far, de-duplicated by event id as a consumer must. */
public final class ReceivedEvents {

    private final List<EventQueue.Delivered> received = new ArrayList<>();

    /** Waits until {@code expected} distinct events of the product have arrived, and returns exactly those. */
    public List<EventQueue.Delivered> await(long productId, int expected, Duration within) {
        String queue = InventoryTestResource.current().queue();
        Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
            received.addAll(EventQueue.drain(InventoryTestResource.RABBITMQ_PORT, queue));
            return ofProduct(productId).size() >= expected;
        });
        List<EventQueue.Delivered> events = ofProduct(productId);
        assertThat(events).hasSize(expected);
        return events;
    }

    private List<EventQueue.Delivered> ofProduct(long productId) {
        return received.stream().filter(e -> e.event().path("productId").asLong() == productId)
                .collect(Collectors.toMap(EventQueue.Delivered::eventId, e -> e, (a, b) -> a)).values().stream().toList();
    }
}
