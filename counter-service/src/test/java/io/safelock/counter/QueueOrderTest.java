package io.safelock.counter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One producer's queued requests are applied in the order they were queued, with this replica's two consumer loops running. */
@QuarkusTest
class QueueOrderTest {

    @Test
    void oneProducersRequestsAreAppliedInQueueOrder() {
        String counter = CounterResourceTest.unique("fifo");
        List<String> statusUrls = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            // different sizes, so the value after each request also tells which requests came before it
            JsonPath accepted = given().contentType(ContentType.JSON).body("{\"by\": " + i + ", \"mode\": \"queued\"}")
                    .post("/counters/{name}/increment", counter).then().statusCode(202).extract().jsonPath();
            assertThat(accepted.getLong("position")).isEqualTo(i);
            statusUrls.add(accepted.getString("statusUrl"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> statusUrls.stream()
                .allMatch(url -> "applied".equals(given().get(url).jsonPath().getString("status"))));
        long expectedValue = 0;
        for (int i = 1; i <= 60; i++) {
            JsonPath status = given().get(statusUrls.get(i - 1)).jsonPath();
            expectedValue += i;
            assertThat(status.getLong("position")).isEqualTo(i);
            assertThat(status.getLong("appliedIndex")).as("request %d applied in order", i).isEqualTo(i);
            assertThat(status.getLong("valueAfter")).as("value after request %d", i).isEqualTo(expectedValue);
            assertThat(status.getInt("attempts")).isEqualTo(1);
        }
        given().get("/queue").then().statusCode(200);
    }
}
