package io.safelock.counter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Applied updates go out on the counter.updated exchange (real RabbitMQ) and come back to this replica's queue and SSE stream. */
@QuarkusTest
class NotificationsTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyUpdateComesBackAsANotificationAndOnTheEventStream() throws Exception {
        String counter = CounterResourceTest.unique("sse");
        List<String> events = new CopyOnWriteArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "counters/" + counter + "/events"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        events.add(line.substring(5).trim());
                    }
                }
            } catch (Exception closed) {
                // stream closed at the end of the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        // the subscription is live once the response headers are in: updates from now on must show up
        String[] modes = {"atomic", "locked", "unsafe", "queued", "atomic"};
        for (String mode : modes) {
            given().contentType(ContentType.JSON).body("{\"mode\": \"" + mode + "\"}").post("/counters/{name}/increment", counter)
                    .then().statusCode(mode.equals("queued") ? 202 : 200);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> events.size() >= modes.length);
        assertThat(events).hasSize(modes.length);
        assertThat(events).allSatisfy(e -> assertThat(e).contains("\"counter\":\"" + counter + "\"").contains("\"seenBy\":\"test-"));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"value\":5"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/counters/{name}/last-seen", counter).then()
                .statusCode(200).body("received", org.hamcrest.Matchers.equalTo(modes.length))
                .body("highestValue", org.hamcrest.Matchers.equalTo(5)));
        response.body().close();
    }
}
