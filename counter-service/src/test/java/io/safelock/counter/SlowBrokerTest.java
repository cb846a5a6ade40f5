package io.safelock.counter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A broker that is slow to confirm, not gone: RabbitMQ's memory alarm blocks every publisher while the
 * connections stay open, as an overloaded broker does. A notification without a confirm after
 * {@code counter.rabbitmq.confirm-timeout} is still on its way, and sending a copy of it each time the
 * timeout passes multiplies the backlog in this JVM (a replica under load ran out of heap that way, with
 * 52,000 copies waiting). Only a connection that dropped can lose a confirm; only then is a copy sent.
 */
@QuarkusTest
class SlowBrokerTest {

    private static final String EXCHANGE = "counter.updated";

    @Test
    void notificationsHeldUpByABlockedBrokerAreSentOnceEach() throws Exception {
        String counter = CounterResourceTest.unique("slow-broker");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setUsername("guest");
        factory.setPassword("guest");
        try (Connection connection = factory.newConnection("counter-service slow broker test"); Channel channel = connection.createChannel()) {
            String queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(queue, EXCHANGE, "");
            int updates = 5;
            blockPublishers();
            try {
                for (int i = 0; i < updates; i++) {
                    given().contentType(ContentType.JSON).body("{\"mode\": \"atomic\"}").post("/counters/{name}/increment", counter)
                            .then().statusCode(200);
                }
                // two confirm timeouts (5 s) and retry delays (1 s) pass while the broker holds the publishes
                TimeUnit.SECONDS.sleep(13);
            } finally {
                unblockPublishers();
            }
            Map<String, Integer> copies = new HashMap<>();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                GetResponse message;
                while ((message = channel.basicGet(queue, true)) != null) {
                    String body = new String(message.getBody(), StandardCharsets.UTF_8);
                    if (body.contains("\"counter\":\"" + counter + "\"")) {
                        copies.merge(message.getProps().getMessageId(), 1, Integer::sum);
                    }
                }
                return copies.size() >= updates;
            });
            TimeUnit.SECONDS.sleep(2); // any late copies
            GetResponse message;
            while ((message = channel.basicGet(queue, true)) != null) {
                if (new String(message.getBody(), StandardCharsets.UTF_8).contains("\"counter\":\"" + counter + "\"")) {
                    copies.merge(message.getProps().getMessageId(), 1, Integer::sum);
                }
            }
            assertThat(copies).as("notifications by event id -> copies the broker received").hasSize(updates);
            assertThat(copies.values()).as("copies per notification").allMatch(n -> n == 1);
        }
    }

    /** RabbitMQ's memory alarm at a watermark of 0: every publishing connection is blocked, none is closed. */
    private static void blockPublishers() throws Exception {
        rabbitmqctl("set_vm_memory_high_watermark", "0");
    }

    private static void unblockPublishers() throws Exception {
        rabbitmqctl("set_vm_memory_high_watermark", "0.4"); // the broker's default, as scripts/ensure-infra.sh runs it
    }

    private static void rabbitmqctl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "rabbitmqctl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
        }
    }
}
