package io.safelock.lock.quarkus.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.safelock.lock.quarkus.http.ApiError;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** 401 (with {@code WWW-Authenticate: Bearer}) and 403 in the services' JSON error body. */
public class AdminAccessMappers {

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.fromResponse(ApiError.response(401,
                        "This is an admin route: send 'Authorization: Bearer <admin token>' (the token in admin.token)",
                        "unauthorized"))
                .header("WWW-Authenticate", "Bearer realm=\"admin\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ApiError.response(403, "This route needs the admin role", "forbidden");
    }
}
