package io.safelock.counter.support;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Publishes straight to the real broker on 127.0.0.1:5672 with publisher confirms, as another service would. */
public final class TestRabbit implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;

    private TestRabbit(int port) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setUsername("guest");
        factory.setPassword("guest");
        connection = factory.newConnection("counter-service tests");
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    public static TestRabbit connect() {
        return connect(5672);
    }

    public static TestRabbit connect(int port) {
        try {
            return new TestRabbit(port);
        } catch (Exception e) {
            throw new IllegalStateException("RabbitMQ on 127.0.0.1:" + port + " is needed (scripts/ensure-infra.sh starts 5672)", e);
        }
    }

    public synchronized void publish(String exchange, String routingKey, String json) {
        try {
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
            channel.basicPublish(exchange, routingKey, true, props, json.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(Duration.ofSeconds(10).toMillis());
        } catch (Exception e) {
            throw new IllegalStateException("publish to " + exchange + "/" + routingKey + " failed", e);
        }
    }

    /** The default exchange routes by queue name. */
    public void sendToQueue(String queue, String json) {
        publish("", queue, json);
    }

    public static String command(String commandId, String counter, long by) {
        return "{\"commandId\":\"" + commandId + "\",\"counter\":\"" + counter + "\",\"by\":" + by + "}";
    }

    public static String purchased(String eventId, String productId, long quantity) {
        return "{\"eventId\":\"" + eventId + "\",\"productId\":\"" + productId + "\",\"quantity\":" + quantity
                + ",\"orderId\":\"order-" + eventId + "\",\"remainingStock\":10,\"occurredAt\":\"2026-01-01T00:00:00Z\"}";
    }

    @Override
    public void close() {
        try {
            connection.close(2000);
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
