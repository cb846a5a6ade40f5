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
    @Path("report")
    @Operation(summary = "Every product's stock, units sold and orders, consistent with each other",
            description = "Taken under the read side of the stock levels' read/write lock (stock:all): it waits while an admin"
                    + " stock change runs, and never shows one half done. Purchases take no part in that lock; the report"
                    + " shows them as one database snapshot saw them. 409/503 with Retry-After when the lock is not obtained.")
    public Uni<Response> report() {
        return stock.report().map(Responses::of);
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

    @POST
    @Path("reset-all")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminAccess.ROLE)
    @Operation(summary = "Admin: set every product's stock (each under its product's lock, all under the write side of stock:all)",
            description = "Reports wait while it runs and never see some products reset and others not. If it stops part-way"
                    + " (a product lock busy past the wait, the lock nodes unreachable, a fence refused), the 409/503 answer"
                    + " says how far it got in products_reset.")
    public Uni<Response> resetAll(Requests.StockReset body) {
        int value = Inputs.required("stock", body == null ? null : body.stock(), 0, MAX_STOCK);
        return stock.resetAll(value).map(Responses::of);
    }
}
