package io.safelock.inventory.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.EventQueue;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import io.safelock.inventory.testing.ReceivedEvents;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each purchase's event reaches RabbitMQ once it can, and never depends on the broker being there at purchase time. */
@QuarkusTest
class EventsTest {

    @TestHTTPResource("/")
    URL base;

    private final ReceivedEvents received = new ReceivedEvents();

    @Test
    void aPurchasePublishesAPersistentEventWithEverythingAConsumerNeeds() {
        long id = Products.create(5);

        Http.Result purchase = Http.post(base + "purchase/with-lock/" + id + "?delayMs=0", "{\"quantity\": 2}");

        List<EventQueue.Delivered> events = received.await(id, 1, Duration.ofSeconds(20));
        EventQueue.Delivered event = events.get(0);
        assertThat(event.event().path("type").asText()).isEqualTo("inventory.purchased");
        assertThat(UUID.fromString(event.eventId())).isNotNull();
        assertThat(event.event().path("productId").asLong()).isEqualTo(id);
        assertThat(event.event().path("quantity").asInt()).isEqualTo(2);
        assertThat(event.event().path("orderId").asLong()).isEqualTo(purchase.body().path("order_id").asLong());
        assertThat(event.event().path("remainingStock").asInt()).isEqualTo(3);
        assertThat(event.event().path("strategy").asText()).isEqualTo("with-lock");
        assertThat(Instant.parse(event.event().path("occurredAt").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(event.exchange()).isEqualTo(InventoryTestResource.current().exchange());
        assertThat(event.routingKey()).isEqualTo("inventory.purchased");
        assertThat(event.properties().getDeliveryMode()).as("persistent").isEqualTo(2);
        assertThat(event.properties().getMessageId()).isEqualTo(event.eventId());
        assertThat(event.properties().getContentType()).isEqualTo("application/json");
    }

    @Test
    void purchasesWhileRabbitMqIsAwayAreAllPublishedWhenItReturns() {
        long id = Products.create(100);
        var backends = InventoryTestResource.current();
        backends.rabbitProxy().cut();
        List<Long> orderIds = new ArrayList<>();
        try {
            for (int i = 0; i < 15; i++) {
                Http.Result purchase = Http.post(base + "purchase/conditional-update/" + id + "?delayMs=0", "{}");
                assertThat(purchase.status()).as("purchases go on without the broker").isEqualTo(200);
                orderIds.add(purchase.body().path("order_id").asLong());
            }
            assertThat(backends.database().queryLong(
                    "SELECT count(*) FROM outbox_events WHERE published_at IS NULL AND payload::jsonb ->> 'productId' = ?", Long.toString(id)))
                    .as("waiting in the outbox").isEqualTo(15);
        } finally {
            backends.rabbitProxy().restore();
        }

        List<EventQueue.Delivered> events = received.await(id, 15, Duration.ofSeconds(20));
        Set<Long> published = events.stream().map(e -> e.event().path("orderId").asLong()).collect(Collectors.toSet());
        assertThat(published).containsExactlyInAnyOrderElementsOf(orderIds);
        assertThat(events.stream().map(EventQueue.Delivered::eventId).distinct().count()).isEqualTo(15);
    }

    /** Events of this product delivered so far (de-duplicated by event id, as a consumer must). */
}
