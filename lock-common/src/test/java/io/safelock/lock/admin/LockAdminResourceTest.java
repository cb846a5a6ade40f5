package io.safelock.lock.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.lock.BlockingLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockName;
import io.safelock.testsupport.RedisNodesTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** GET /locks pages through exactly the held locks of the service's groups; GET /locks/{group}/{id} inspects one. */
@QuarkusTest
@QuarkusTestResource(value = RedisNodesTestResource.class, initArgs = @ResourceArg(name = "count", value = "3"))
class LockAdminResourceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/locks")
    URL locksUrl;

    @Inject
    BlockingLocks locks;

    @Test
    void listsHeldLocksOfTheServiceGroupsPageByPage() throws Exception {
        List<Lease> held = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            held.add(locks.acquire(LockName.of("adm", "held-" + i), Duration.ofSeconds(30), Duration.ofSeconds(10), "req-" + i));
            expected.add("adm:held-" + i);
        }
        Lease released = locks.acquire(LockName.of("adm", "released"), Duration.ofSeconds(30), Duration.ofSeconds(10));
        released.release().await().indefinitely();
        Lease otherGroup = locks.acquire(LockName.of("notmine", "1"), Duration.ofSeconds(30), Duration.ofSeconds(10));
        try {
            Set<String> listed = new HashSet<>();
            String cursor = "";
            int pages = 0;
            do {
                JsonNode page = get("?limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + cursor), 200);
                page.get("locks").forEach(lock -> {
                    assertThat(lock.get("locked").asBoolean()).isTrue();
                    assertThat(listed.add(lock.get("lock").asText())).as("listed once: " + lock).isTrue();
                });
                cursor = page.get("next_cursor").asText();
                pages++;
            } while (!cursor.isEmpty() && pages < 10_000);
            assertThat(listed).isEqualTo(expected);

            JsonNode one = get("/adm/held-3", 200);
            assertThat(one.get("locked").asBoolean()).isTrue();
            assertThat(one.get("holder").get("label").asText()).isEqualTo("req-3");
            assertThat(one.get("fencing_token").asLong()).isEqualTo(held.get(3).fencingToken());
            assertThat(one.get("time_left_ms").asLong()).isPositive();

            assertThat(get("/adm/released", 200).get("locked").asBoolean()).isFalse();
            assertThat(get("/notmine/1", 404).get("reason").asText()).isEqualTo("not_found");
            assertThat(get("?limit=0", 400).get("error").asText()).contains("limit");
            assertThat(get("?cursor=nonsense", 400).get("reason").asText()).isEqualTo("bad_request");
        } finally {
            held.forEach(lease -> lease.release().await().indefinitely());
            otherGroup.release().await().indefinitely();
        }
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(locksUrl + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expectedStatus);
        assertThat(response.headers().firstValue("content-type").orElse("")).contains("application/json");
        return JSON.readTree(response.body());
    }
}
