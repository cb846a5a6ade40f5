package io.safelock.counter.rest;

import io.safelock.counter.queue.QueueStats;
import io.safelock.counter.queue.RequestStatus;
import io.safelock.counter.queue.UpdateQueue;
import io.safelock.counter.service.InputRules;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

@Path("/queue")
@Tag(name = "queue")
@Produces(MediaType.APPLICATION_JSON)
public class QueueResource {

    private static final int MAX_IN_FLIGHT_LISTED = 100;

    private final UpdateQueue queue;
    private final InputRules rules;

    public QueueResource(UpdateQueue queue, InputRules rules) {
        this.queue = queue;
        this.rules = rules;
    }

    @GET
    @Operation(summary = "Queued requests waiting, the oldest one's age, and the requests being applied and by whom")
    public Uni<QueueStats> stats() {
        return queue.stats(MAX_IN_FLIGHT_LISTED);
    }

    @GET
    @Path("requests/{requestId}")
    @Operation(summary = "Status of a queued request: queued, processing, applied (with the value after it) or failed")
    public Uni<RequestStatus> request(@RestPath String requestId) {
        rules.name("requestId", requestId);
        return queue.status(requestId).map(status -> status.orElseThrow(
                () -> new NotFoundException("no queued request " + requestId + " (unknown, or its status has expired)")));
    }
}
