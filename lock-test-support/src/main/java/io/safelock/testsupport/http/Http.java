package io.safelock.testsupport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Plain HTTP for tests against a service (in-process or a replica JVM), JSON in and out, with real
 * concurrency when asked: many requests released at the same instant. POSTs carry the admin token
 * ({@link AdminToken}), which the open routes ignore.
 */
public final class Http {

    /** An answer: status, the body as text and as JSON (a missing node when it is not JSON), the headers. */
    public record Result(int status, String text, JsonNode body, java.net.http.HttpHeaders headers) {

        public boolean ok() {
            return status == 200;
        }

        /** The {@code "error"} text of an error body, or null. */
        public String error() {
            return body.path("error").asText(null);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    public static HttpRequest.Builder postJson(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json").header("Authorization", AdminToken.bearer())
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    public static Result post(String url, String json) {
        return send(postJson(url, json).build());
    }

    public static Result get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** GET that must answer 200; its JSON body. */
    public static JsonNode getOk(String url) {
        Result result = get(url);
        if (result.status() != 200) {
            throw new AssertionError("GET " + url + " -> " + result.status() + ": " + result.text());
        }
        return result.body();
    }

    /** POST that must answer {@code status}; its JSON body. */
    public static JsonNode postExpect(String url, String json, int status) {
        Result result = post(url, json);
        if (result.status() != status) {
            throw new AssertionError("POST " + url + " " + json + " -> " + result.status() + ": " + result.text());
        }
        return result.body();
    }

    public static Result send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = response.body().isBlank() ? JSON.missingNode() : JSON.readTree(response.body());
            } catch (IOException notJson) {
                body = JSON.missingNode();
            }
            return new Result(response.statusCode(), response.body(), body, response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code count} requests at once (each on its own virtual thread, released together). */
    public static List<Result> concurrently(int count, IntFunction<HttpRequest> request) {
        CountDownLatch ready = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                HttpRequest built = request.apply(i);
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return send(built);
                }));
            }
            ready.await();
            go.countDown();
            List<Result> results = new ArrayList<>();
            for (Future<Result> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (Exception e) {
            throw new IllegalStateException("Concurrent requests failed: " + e, e);
        }
    }
}
