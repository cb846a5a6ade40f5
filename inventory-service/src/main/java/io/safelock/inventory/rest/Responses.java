package io.safelock.inventory.rest;

import io.safelock.inventory.service.Reply;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Turns the service's answers into HTTP responses. */
final class Responses {

    /** Set on an answer replayed for a repeated Idempotency-Key. */
    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private Responses() {
    }

    static Response of(Reply reply) {
        Response.ResponseBuilder response = Response.status(reply.status()).entity(reply.json()).type(MediaType.APPLICATION_JSON);
        if (reply.replayed()) {
            response.header(REPLAYED_HEADER, "true");
        }
        if (reply.status() == 409 || reply.status() == 503) {
            response.header("Retry-After", "1");
        }
        return response.build();
    }
}
