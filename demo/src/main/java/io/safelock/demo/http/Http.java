package io.safelock.demo.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP/1.1 with bounded timeouts; never throws for an unreachable server (status 0 instead). */
public final class Http {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    private final Duration requestTimeout;
    private final String adminToken;

    public Http(Duration requestTimeout) {
        this(requestTimeout, null);
    }

    /** Sends {@code Authorization: Bearer adminToken} with every request (the admin routes need it, the others ignore it). */
    public Http(Duration requestTimeout, String adminToken) {
        this.requestTimeout = requestTimeout;
        this.adminToken = adminToken;
    }

    public Reply get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public Reply post(String url, String jsonBody) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    /** A POST with extra headers, given as name, value, name, value, … */
    public Reply post(String url, String jsonBody, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            if (adminToken != null) {
                request.header("Authorization", "Bearer " + adminToken);
            }
            HttpResponse<String> response = client.send(request.timeout(requestTimeout).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Reply(0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, "interrupted");
        }
    }
}
