package io.safelock.testsupport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The HTTP contract both services keep, as one table-driven suite each service runs against itself:
 * <ul>
 * <li>every bad request (the service's own table plus the shared rows: unknown route, too long a URI, too
 *     large headers or body) is a 4xx with a JSON {@code {"error", "reason"}} that names no Java class, and
 *     changes nothing;</li>
 * <li>a JSON body is read as JSON whether it comes with no content type, {@code text/plain} or curl's form type;</li>
 * <li>admin routes answer 401 (JSON, {@code WWW-Authenticate: Bearer}) without the token or with a wrong one,
 *     and work with it;</li>
 * <li>junk requests (405, 415, 404 on many paths) cannot push the real routes out of {@code http_server_requests_seconds}.</li>
 * </ul>
 */
public abstract class HttpContractSuite {

    /** One request and the status it must get. {@code body} null = no body. */
    public record Call(String method, String path, Map<String, String> headers, String body, int status) {

        public static Call of(String method, String path, String jsonBody, int status) {
            Map<String, String> headers = new LinkedHashMap<>();
            if (jsonBody != null) {
                headers.put("Content-Type", "application/json");
            }
            return new Call(method, path, headers, jsonBody, status);
        }

        public Call with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Call(method, path, more, body, status);
        }

        @Override
        public String toString() {
            String shownBody = body == null ? "" : " " + (body.length() > 60 ? body.substring(0, 60) + "…" : body);
            String shownPath = path.length() > 80 ? path.substring(0, 80) + "…(" + path.length() + ")" : path;
            return method + " " + shownPath + shownBody + (headers.containsKey("Content-Type") ? "" : " (no content type)")
                    + " -> " + status;
        }
    }

    /** Words that would give away the implementation in an error message. */
    private static final List<String> LEAKS = List.of("java.", "javax.", "jakarta.", "com.fasterxml", "io.vertx", "io.quarkus",
            "io.safelock", "Exception", "CoercionConfig", "`", "\tat ");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The service's base URL, ending with {@code /}. */
    protected abstract String baseUrl();

    /** The service's own bad requests. */
    protected abstract List<Call> badRequests();

    /** A POST with a JSON body that succeeds (2xx), to send with every content type a client may use. */
    protected abstract Call acceptedJsonPost();

    /** Admin calls that succeed with the token (2xx); each must answer 401 without it. */
    protected abstract List<Call> adminCalls();

    /**
     * A real route's request (GET, 2xx) and the {@code uri} tag its template gets in the metrics; best one that
     * no other test of the suite uses, so that its series is first created after the junk requests.
     */
    protected abstract Call realRoute();

    protected abstract String realRouteTemplate();

    /** The {@code i}-th path of a route that answers 405 to DELETE (distinct paths, as a scanner would send). */
    protected abstract String deleteNotAllowedPath(int i);

    /** The {@code i}-th path of a POST route that answers 415 to XML. */
    protected abstract String postRoutePath(int i);

    /** Remembers what a bad request must not change; {@link #assertUnchanged()} checks it. */
    protected void rememberState() {
    }

    protected void assertUnchanged() {
    }

    private List<Call> sharedBadRequests() {
        List<Call> calls = new ArrayList<>();
        calls.add(Call.of("GET", "no-such-route-" + UUID.randomUUID(), null, 404));
        calls.add(Call.of("GET", "q/health/live?pad=" + "x".repeat(5000), null, 414));
        calls.add(Call.of("GET", "q/health/live", null, 431).with("X-Padding", "x".repeat(20_000)));
        calls.add(Call.of("POST", postRoutePath(1), "{\"pad\": \"" + "x".repeat(70_000) + "\"}", 413));
        calls.add(Call.of("POST", postRoutePath(1), "<xml/>", 415).with("Content-Type", "application/xml"));
        return calls;
    }

    @TestFactory
    Stream<DynamicTest> everyBadRequestIsA4xxWithAJsonErrorAndChangesNothing() {
        List<Call> calls = new ArrayList<>(sharedBadRequests());
        calls.addAll(badRequests());
        return calls.stream().map(call -> DynamicTest.dynamicTest(call.toString(), () -> {
            rememberState();
            Answer answer = send(call);
            assertEquals(call.status(), answer.status(), () -> call + " answered " + answer);
            assertJsonError(call, answer);
            assertUnchanged();
        }));
    }

    @TestFactory
    Stream<DynamicTest> aJsonBodyIsReadAsJsonWhateverTheContentType() {
        Call post = acceptedJsonPost();
        Map<String, String> contentTypes = new LinkedHashMap<>();
        contentTypes.put("no content type", null);
        contentTypes.put("text/plain", "text/plain");
        contentTypes.put("curl's form type", "application/x-www-form-urlencoded");
        contentTypes.put("application/json", "application/json");
        return contentTypes.entrySet().stream().map(type -> DynamicTest.dynamicTest(type.getKey(), () -> {
            Map<String, String> headers = new LinkedHashMap<>(post.headers());
            headers.remove("Content-Type");
            if (type.getValue() != null) {
                headers.put("Content-Type", type.getValue());
            }
            Answer answer = send(new Call(post.method(), post.path(), headers, post.body(), post.status()));
            assertTrue(answer.status() >= 200 && answer.status() < 300, () -> post + " with " + type.getKey() + " answered " + answer);
        }));
    }

    @TestFactory
    Stream<DynamicTest> adminRoutesNeedTheAdminToken() {
        return adminCalls().stream().map(call -> DynamicTest.dynamicTest(call.toString(), () -> {
            for (String authorization : new String[] {null, "Bearer wrong-token-of-enough-length", "Basic YWRtaW46YWRtaW4=", "Bearer"}) {
                Call refused = new Call(call.method(), call.path(), call.headers(), call.body(), 401);
                if (authorization != null) {
                    refused = refused.with("Authorization", authorization);
                }
                rememberState();
                Answer answer = send(refused);
                assertEquals(401, answer.status(), "with Authorization " + authorization + ": " + answer);
                assertNotNull(answer.header("WWW-Authenticate"), "401 names the scheme: " + answer);
                assertJsonError(refused, answer);
                assertUnchanged();
            }
            Answer allowed = send(call.with("Authorization", AdminToken.bearer()));
            assertEquals(call.status(), allowed.status(), () -> call + " with the admin token answered " + allowed);
        }));
    }

    @Test
    void junkRequestsCannotPushRealRoutesOutOfTheMetrics() {
        for (int i = 0; i < 150; i++) {
            assertEquals(405, send(Call.of("DELETE", deleteNotAllowedPath(i), null, 405)).status());
            assertEquals(415, send(Call.of("POST", postRoutePath(i), "<x/>", 415).with("Content-Type", "application/xml")).status());
            assertEquals(404, send(Call.of("GET", "junk-" + i + "-" + UUID.randomUUID(), null, 404)).status());
        }
        Answer real = send(realRoute());
        assertTrue(real.status() >= 200 && real.status() < 300, () -> "the real route answered " + real);
        String metrics = send(Call.of("GET", "q/metrics", null, 200)).body();
        String tag = "uri=\"" + realRouteTemplate() + "\"";
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("http_server_requests_seconds_count{") && line.contains(tag)),
                () -> "no http_server_requests_seconds series with " + tag + " after 450 junk requests");
        // Without a template, a 405 or 415 would be tagged with its raw path until the uri tag values run out.
        assertFalse(metrics.lines().anyMatch(line -> line.startsWith("http_server_requests_seconds") && line.contains("junk-")),
                "a junk path became a uri tag value");
    }

    private static void assertJsonError(Call call, Answer answer) {
        String type = answer.header("Content-Type");
        assertTrue(type != null && type.startsWith("application/json"), () -> call + ": content type " + type + ", body " + answer.body());
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (IOException e) {
            fail(call + ": the body is not JSON: " + answer.body());
            return;
        }
        assertTrue(body != null && body.isObject(), () -> call + ": the body is not a JSON object: " + answer.body());
        String error = body.path("error").asText("");
        assertFalse(error.isBlank(), () -> call + ": no \"error\" text: " + answer.body());
        assertFalse(body.path("reason").asText("").isBlank(), () -> call + ": no \"reason\" code: " + answer.body());
        for (String leak : LEAKS) {
            assertFalse(error.contains(leak), () -> call + ": the error names the implementation (" + leak + "): " + error);
        }
    }

    /** What came back. */
    public record Answer(int status, String body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    protected Answer send(Call call) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + call.path())).timeout(Duration.ofSeconds(30))
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(call.body()));
        call.headers().forEach(request::header);
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new IllegalStateException(call + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
