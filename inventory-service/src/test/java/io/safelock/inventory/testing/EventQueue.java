package io.safelock.inventory.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Reads the events a service published from its durable queue with a plain AMQP client, the way a
 * consumer would, acknowledging each message.
 */
public final class EventQueue {

    /** One delivered message. */
    public record Delivered(JsonNode event, AMQP.BasicProperties properties, String exchange, String routingKey) {
        public String eventId() {
            return event.path("eventId").asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventQueue() {
    }

    /** Takes every message now in {@code queue} (acknowledged, so each is returned once). */
    public static List<Delivered> drain(int port, String queue) {
        try (Connection connection = factory(port).newConnection("inventory-test-consumer");
             Channel channel = connection.createChannel()) {
            List<Delivered> delivered = new ArrayList<>();
            GetResponse response;
            while ((response = channel.basicGet(queue, false)) != null) {
                delivered.add(new Delivered(JSON.readTree(response.getBody()), response.getProps(),
                        response.getEnvelope().getExchange(), response.getEnvelope().getRoutingKey()));
                channel.basicAck(response.getEnvelope().getDeliveryTag(), false);
            }
            return delivered;
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("Could not read queue " + queue + " on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Declares the durable topic exchange and a durable queue bound to it for {@code routingKey}, as a consumer
     * does before the first event it must not miss (the service declares only the exchange).
     */
    public static void declare(int port, String exchange, String queue, String routingKey) {
        try (Connection connection = factory(port).newConnection("inventory-test-declare");
             Channel channel = connection.createChannel()) {
            channel.exchangeDeclare(exchange, "topic", true);
            channel.queueDeclare(queue, true, false, false, null);
            channel.queueBind(queue, exchange, routingKey);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("Could not declare " + exchange + "/" + queue + " on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** Deletes what a test run declared on a shared broker. */
    public static void deleteQuietly(int port, String exchange, String queue) {
        try (Connection connection = factory(port).newConnection("inventory-test-cleanup");
             Channel channel = connection.createChannel()) {
            channel.queueDelete(queue);
            channel.exchangeDelete(exchange);
        } catch (Exception e) {
            System.err.println("Could not delete " + exchange + "/" + queue + ": " + e.getMessage());
        }
    }

    private static ConnectionFactory factory(int port) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(3000);
        return factory;
    }
}
