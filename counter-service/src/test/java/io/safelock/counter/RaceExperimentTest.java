package io.safelock.counter;

import io.safelock.testsupport.http.AdminToken;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The race inside one replica: concurrent workers, the same load for each mode. */
@QuarkusTest
class RaceExperimentTest {

    static JsonPath race(String counter, String mode, int workers, int increments, int thinkMs) {
        return given().contentType(ContentType.JSON)
                .body("{\"counter\":\"" + counter + "\",\"mode\":\"" + mode + "\",\"workers\":" + workers
                        + ",\"incrementsPerWorker\":" + increments + ",\"thinkTimeMs\":" + thinkMs + "}")
                .auth().oauth2(AdminToken.TOKEN).post("/experiments/race").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void unsafeLosesUpdatesAndTheMetricCountsThem() {
        double lostBefore = lostUpdatesMetric();
        JsonPath result = race(CounterResourceTest.unique("race-unsafe"), "unsafe", 8, 20, 3);
        assertThat(result.getLong("expected")).isEqualTo(160);
        assertThat(result.getLong("lost")).as("8 workers read-modify-write with 3 ms between read and write").isGreaterThan(0);
        assertThat(result.getLong("actual") + result.getLong("lost")).isEqualTo(160);
        assertThat(lostUpdatesMetric() - lostBefore).isEqualTo(result.getLong("lost"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"locked", "atomic", "queued", "fair"})
    void theCuresAreExact(String mode) {
        String counter = CounterResourceTest.unique("race-" + mode);
        JsonPath result = race(counter, mode, 8, 20, mode.equals("atomic") ? 0 : 3);
        assertThat(result.getBoolean("completed")).isTrue();
        assertThat(result.getLong("failed")).isZero();
        assertThat(result.getLong("expected")).isEqualTo(160);
        assertThat(result.getLong("actual")).isEqualTo(160);
        assertThat(result.getLong("lost")).isZero();
        given().get("/counters/{name}", counter).then().statusCode(200).body("value", org.hamcrest.Matchers.equalTo(160));
    }

    /** Fair mode reports the FIFO check: every grant of the run, none out of the order of arrival at the lock nodes. */
    @Test
    void fairServesTheWorkersInOrderOfArrival() {
        JsonPath result = race(CounterResourceTest.unique("race-fair"), "fair", 8, 15, 2);
        assertThat(result.getLong("actual")).isEqualTo(120);
        assertThat(result.getLong("fifo.grants")).as("grants recorded while the run went on").isEqualTo(120);
        assertThat(result.getLong("fifo.inversions")).isZero();
        assertThat(result.getBoolean("fifo.inOrder")).isTrue();
        JsonPath locked = race(CounterResourceTest.unique("race-locked"), "locked", 2, 2, 0);
        assertThat(locked.getMap("$")).as("only fair mode has a FIFO check").doesNotContainKey("fifo");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"counter\":\"x\",\"mode\":\"fifo\",\"workers\":2,\"incrementsPerWorker\":2}",
            "{\"counter\":\"x\",\"mode\":\"fair\",\"workers\":2,\"incrementsPerWorker\":2,\"fifo\":true}",
            "{\"counter\":\"x\",\"mode\":\"fair\",\"workers\":0,\"incrementsPerWorker\":2}",
            "{\"counter\":\"x\",\"mode\":null,\"workers\":2,\"incrementsPerWorker\":2}",
            "{\"mode\":\"atomic\",\"workers\":2,\"incrementsPerWorker\":2}",
            "{\"counter\":\"x\",\"mode\":\"nope\",\"workers\":2,\"incrementsPerWorker\":2}",
            "{\"counter\":\"x\",\"mode\":\"atomic\",\"workers\":0,\"incrementsPerWorker\":2}",
            "{\"counter\":\"x\",\"mode\":\"atomic\",\"workers\":65,\"incrementsPerWorker\":2}",
            "{\"counter\":\"x\",\"mode\":\"atomic\",\"workers\":64,\"incrementsPerWorker\":10000}",
            "{\"counter\":\"x\",\"mode\":\"atomic\",\"workers\":2}",
            "{\"counter\":\"x\",\"mode\":\"atomic\",\"workers\":2,\"incrementsPerWorker\":-3}",
            "{\"counter\":\"x\",\"mode\":\"atomic\",\"workers\":2,\"incrementsPerWorker\":2,\"thinkTimeMs\":5000}",
            "{\"counter\":\"x y\",\"mode\":\"atomic\",\"workers\":2,\"incrementsPerWorker\":2}",
            "{\"counter\":\"x\",\"mode\":\"atomic\",\"workers\":\"many\",\"incrementsPerWorker\":2}",
            "not json",
            ""})
    void badExperimentsAre400(String body) {
        given().contentType(ContentType.JSON).body(body).auth().oauth2(AdminToken.TOKEN).post("/experiments/race").then().statusCode(400)
                .body("error", notNullValue());
    }

    static double lostUpdatesMetric() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("counter_lost_updates_total ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow();
    }
}
