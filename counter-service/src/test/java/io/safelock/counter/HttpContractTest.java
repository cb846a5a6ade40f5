package io.safelock.counter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.testsupport.http.AdminToken;
import io.safelock.testsupport.http.HttpContractSuite;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** lock-test-support's HTTP contract suite with counter-service's table of bad requests: none moves the counter. */
@QuarkusTest
class HttpContractTest extends HttpContractSuite {

    @TestHTTPResource("/")
    URL base;

    private final String counter = "contract-" + UUID.randomUUID();
    private long before;

    @Override
    protected String baseUrl() {
        return base.toString();
    }

    @Override
    protected List<Call> badRequests() {
        String increment = "counters/" + counter + "/increment";
        List<Call> calls = new ArrayList<>();
        for (String body : new String[] {
                "{\"by\": \"5\", \"mode\": \"atomic\"}",
                "{\"by\": \"two\", \"mode\": \"atomic\"}",
                "{\"by\": 1.5, \"mode\": \"atomic\"}",
                "{\"by\": 1e3, \"mode\": \"atomic\"}",
                "{\"by\": true, \"mode\": \"atomic\"}",
                "{\"by\": 99999999999999999999999, \"mode\": \"atomic\"}",
                "{\"by\": null, \"mode\": \"atomic\"}",
                "{\"by\": 0, \"mode\": \"atomic\"}",
                "{\"mode\": 5}",
                "{\"mode\": \"sideways\"}",
                "{\"mode\": \"atomic\", \"thinkTimeMs\": \"10\"}",
                "{\"mode\": \"atomic\", \"extra\": 1}",
                "{\"mode\": \"atomic\", \"mode\": \"unsafe\"}",
                "{\"mode\": ",
                "[1, 2]",
                "null",
                "   ",
                ""}) {
            calls.add(Call.of("POST", increment, body, 400));
        }
        calls.add(Call.of("GET", "counters/has%20space", null, 400));
        calls.add(Call.of("GET", "inventory/products/abc/units-sold", null, 400));
        calls.add(Call.of("GET", "inventory/products/0/units-sold", null, 400));
        calls.add(Call.of("GET", "queue/requests/" + UUID.randomUUID(), null, 404));
        calls.add(Call.of("POST", "experiments/race", "{\"counter\": \"" + counter + "\", \"mode\": \"atomic\", \"workers\": \"2\","
                + " \"incrementsPerWorker\": 1}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "experiments/race", "{\"counter\": \"" + counter + "\", \"mode\": \"atomic\", \"workers\": 0,"
                + " \"incrementsPerWorker\": 1}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("GET", "counters/" + counter + "/increment", null, 405));
        return calls;
    }

    @Override
    protected Call acceptedJsonPost() {
        return Call.of("POST", "counters/" + counter + "/increment", "{\"by\": 1, \"mode\": \"atomic\"}", 200);
    }

    @Override
    protected List<Call> adminCalls() {
        return List.of(Call.of("POST", "counters/" + counter + "/reset", null, 200),
                Call.of("POST", "experiments/race", "{\"counter\": \"" + counter + "-race\", \"mode\": \"atomic\", \"workers\": 1,"
                        + " \"incrementsPerWorker\": 1}", 200));
    }

    @Override
    protected Call realRoute() {
        return Call.of("GET", "counters/" + counter + "/last-seen", null, 200);
    }

    @Override
    protected String realRouteTemplate() {
        return "/counters/{name}/last-seen";
    }

    @Override
    protected String deleteNotAllowedPath(int i) {
        return "counters/junk-" + i;
    }

    @Override
    protected String postRoutePath(int i) {
        return "counters/junk-" + i + "/increment";
    }

    @Override
    protected void rememberState() {
        before = value();
    }

    @Override
    protected void assertUnchanged() {
        assertThat(value()).as("counter " + counter).isEqualTo(before);
    }

    private long value() {
        return given().get("/counters/{name}", counter).then().statusCode(200).extract().jsonPath().getLong("value");
    }
}
