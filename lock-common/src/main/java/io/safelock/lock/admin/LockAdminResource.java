package io.safelock.lock.admin;

import io.safelock.lock.DistributedLocks;
import io.safelock.lock.LockInfo;
import io.safelock.lock.LockName;
import io.safelock.lock.QuorumUnavailableException;
import io.safelock.lock.config.LockConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Admin routes (protect {@code /locks/*}): {@code GET /locks} lists the held locks of this service's
 * groups, a page at a time, by SCAN on the lock prefix (never KEYS); {@code GET /locks/{group}/{id}}
 * inspects one. Served only when {@code lock.admin.enabled=true}; 404 otherwise.
 */
@Path("/locks")
@Produces(MediaType.APPLICATION_JSON)
public class LockAdminResource {

    static final int MAX_PAGE = 500;

    @Inject
    DistributedLocks locks;

    @Inject
    LockConfig config;

    @Inject
    LockScan scan;

    @GET
    public Uni<Response> list(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        if (!config.admin().enabled()) {
            return Uni.createFrom().item(error(404, "not_found", "the lock admin endpoint is disabled (lock.admin.enabled=false)"));
        }
        int size = limit == null ? 100 : limit;
        if (size < 1 || size > MAX_PAGE) {
            return Uni.createFrom().item(error(400, "bad_request", "limit must be between 1 and " + MAX_PAGE));
        }
        LockScan.Position from;
        try {
            from = LockScan.Position.parse(cursor);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(error(400, "bad_request", e.getMessage()));
        }
        return scan.page(from, size)
                .map(page -> Response.ok(Map.of("locks", page.locks().stream().map(LockAdminResource::view).toList(),
                        "next_cursor", page.next() == null ? "" : page.next().format())).build())
                .onFailure(QuorumUnavailableException.class).recoverWithItem(this::unavailable);
    }

    @GET
    @Path("/{group}/{id}")
    public Uni<Response> one(@PathParam("group") String group, @PathParam("id") String id) {
        if (!config.admin().enabled()) {
            return Uni.createFrom().item(error(404, "not_found", "the lock admin endpoint is disabled (lock.admin.enabled=false)"));
        }
        if (!config.admin().groups().contains(group)) {
            return Uni.createFrom().item(error(404, "not_found", "'" + group + "' is not a lock group of this service; groups: "
                    + config.admin().groups()));
        }
        LockName name;
        try {
            name = LockName.of(group, id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(error(400, "bad_request", e.getMessage()));
        }
        return locks.inspect(name).map(info -> Response.ok(view(info)).build())
                .onFailure(QuorumUnavailableException.class).recoverWithItem(this::unavailable);
    }

    private Response unavailable(Throwable failure) {
        QuorumUnavailableException e = (QuorumUnavailableException) failure;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("reason", "quorum_unavailable");
        body.put("failed_nodes", e.failedNodes());
        return Response.status(503).entity(body).build();
    }

    private static Response error(int status, String reason, String message) {
        return Response.status(status).entity(Map.of("error", message, "reason", reason)).build();
    }

    static Map<String, Object> view(LockInfo info) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("lock", info.name().value());
        body.put("locked", info.locked());
        if (info.owner() != null) {
            body.put("holder", Map.of("service", info.owner().service(), "replica", info.owner().replica(),
                    "host", info.owner().host(), "label", info.owner().label()));
        }
        if (info.since() != null) {
            body.put("since", info.since().toString());
        }
        body.put("time_left_ms", info.timeLeft().toMillis());
        body.put("fencing_token", info.fencingToken());
        body.put("waiting_here", info.waitingHere());
        body.put("others_waiting", info.othersWaiting());
        body.put("turn_reserved", info.turnReserved());
        body.put("failed_nodes", info.failedNodes());
        return body;
    }
}
