package io.safelock.inventory.testing;

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

/** Plain HTTP for tests that need real concurrency: many requests released at the same instant. */
public final class Http {

    /** A response: status, JSON body (missing node if none) and one header. */
    public record Result(int status, JsonNode body, String replayed) {
        public boolean ok() {
            return status == 200;
        }

        public String error() {
            return body.path("error").asText(null);
        }

        /**
         * Bought, out of stock, or turned away after {@code lock.wait-timeout} (a legitimate answer on a
         * machine too busy to serve every waiter in time): nothing else, never a 5xx.
         */
        public boolean soldOutOrTurnedAway() {
            return status == 200 || status == 400 || (status == 409 && "lock_timeout".equals(body.path("reason").asText()));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    public static HttpRequest.Builder postJson(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    public static Result post(String url, String json) {
        return send(postJson(url, json).build());
    }

    public static Result get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    public static Result send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? JSON.missingNode() : JSON.readTree(response.body());
            return new Result(response.statusCode(), body, response.headers().firstValue("Idempotent-Replayed").orElse(null));
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
