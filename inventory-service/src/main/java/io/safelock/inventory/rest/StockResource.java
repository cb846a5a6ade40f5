package io.safelock.inventory.rest;

import io.safelock.inventory.service.StockService;
import io.safelock.lock.quarkus.security.AdminAccess;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/** The seed's stock routes; {@code productId} is echoed as a string, as the seed did. */
@Path("/stock")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Stock")
public class StockResource {

    /** A reset may set any stock up to this. */
    static final int MAX_STOCK = 1_000_000_000;

    private final StockService stock;

    StockResource(StockService stock) {
        this.stock = stock;
    }

    @GET
    @Path("{productId}")
    @Operation(summary = "Current stock: {\"productId\": \"1\", \"stock\": n}")
    public Uni<Response> get(@RestPath String productId) {
        return stock.stock(Inputs.productId(productId)).map(Responses::of);
    }

    @POST
    @Path("{productId}/reset")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminAccess.ROLE)
    @Operation(summary = "Admin: set the stock (under the product's lock, re-stamping its fencing token)")
    public Uni<Response> reset(@RestPath String productId, Requests.StockReset body) {
        long id = Inputs.productId(productId);
        int value = Inputs.required("stock", body == null ? null : body.stock(), 0, MAX_STOCK);
        return stock.reset(id, value).map(Responses::of);
    }
}
