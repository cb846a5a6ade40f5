package io.safelock.lock.quarkus.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;

/**
 * Request bodies are JSON whatever the client calls them: {@code curl -d '{"amount": 1}'} sends
 * {@code application/x-www-form-urlencoded}, other clients {@code text/plain} or no content type at all.
 * Those are read as JSON (and refused with a 400 saying why when they are not JSON); any other declared
 * type (XML, multipart, …) is still answered 415.
 */
@Provider
@PreMatching
public class JsonContentType implements ContainerRequestFilter {

    private static final Set<String> READ_AS_JSON = Set.of("application/x-www-form-urlencoded", "text/plain");

    @Override
    public void filter(ContainerRequestContext request) {
        String declared = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (declared == null || declared.isBlank() || READ_AS_JSON.contains(baseType(declared))) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }

    private static String baseType(String contentType) {
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip().toLowerCase(java.util.Locale.ROOT);
    }
}
