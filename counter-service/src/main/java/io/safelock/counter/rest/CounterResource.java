package io.safelock.counter.rest;

import io.safelock.counter.events.CounterView;
import io.safelock.counter.events.LastSeen;
import io.safelock.counter.events.SeenUpdate;
import io.safelock.counter.queue.UpdateQueue;
import io.safelock.counter.service.CounterService;
import io.safelock.counter.service.InputRules;
import io.safelock.counter.service.Mode;
import io.safelock.counter.service.UpdateResult;
import io.safelock.lock.quarkus.http.InvalidInputException;
import io.safelock.lock.quarkus.security.AdminAccess;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestStreamElementType;

@Path("/counters")
@Tag(name = "counters")
@Produces(MediaType.APPLICATION_JSON)
public class CounterResource {

    private final CounterService counters;
    private final UpdateQueue queue;
    private final LastSeen lastSeen;
    private final InputRules rules;

    public CounterResource(CounterService counters, UpdateQueue queue, LastSeen lastSeen, InputRules rules) {
        this.counters = counters;
        this.queue = queue;
        this.lastSeen = lastSeen;
        this.rules = rules;
    }

    @GET
    @Path("{name}")
    @Operation(summary = "The counter's current value (0 if it was never written)")
    public Uni<CounterValue> get(@RestPath String name) {
        rules.name(name);
        return counters.value(name).map(value -> new CounterValue(name, value));
    }

    @POST
    @Path("{name}/increment")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add 'by' in mode unsafe, locked, atomic or fair (200, the new value) or queued (202, a request id)")
    public Uni<Response> increment(@RestPath String name, IncrementRequest request) {
        rules.name(name);
        if (request == null) {
            throw new InvalidInputException("request body is required: {\"by\": n, \"mode\": \"unsafe|locked|atomic|queued|fair\"}");
        }
        Mode mode = Mode.parse(request.mode());
        long by = rules.increment(request.by());
        int thinkMs = rules.thinkTimeMs(request.thinkTimeMs(), counters.defaultThinkMs());
        if (mode == Mode.QUEUED) {
            return queue.enqueue(name, by, thinkMs).map(queued -> Response.accepted(queued)
                    .location(URI.create(queued.statusUrl())).build());
        }
        return counters.increment(name, by, mode, thinkMs).map(result -> Response.ok(result).build());
    }

    @POST
    @Path("{name}/reset")
    @RolesAllowed(AdminAccess.ROLE)
    @Operation(summary = "Admin: set the counter to 0 (under its lock)")
    public Uni<UpdateResult> reset(@RestPath String name) {
        rules.name(name);
        return counters.reset(name);
    }

    @GET
    @Path("{name}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-Sent Events: every counter.updated notification this replica receives for the counter")
    public Multi<SeenUpdate> events(@RestPath String name) {
        rules.name(name);
        return lastSeen.stream(name);
    }

    @GET
    @Path("{name}/last-seen")
    @Operation(summary = "What this replica learnt about the counter from notifications")
    public CounterView lastSeen(@RestPath String name) {
        rules.name(name);
        return lastSeen.view(name);
    }
}
