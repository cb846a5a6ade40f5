package io.safelock.inventory.rest;

import io.safelock.inventory.data.Order;
import io.safelock.inventory.data.OrderRepository;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/orders")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Orders")
public class OrderResource {

    private final OrderRepository orders;

    OrderResource(OrderRepository orders) {
        this.orders = orders;
    }

    @GET
    @Operation(summary = "Orders, newest first, optionally of one product; limit 1-10000 (default 100), offset")
    public Uni<List<Order>> list(@RestQuery String productId, @RestQuery String limit, @RestQuery String offset) {
        Long product = productId == null || productId.isEmpty() ? null : Inputs.productId(productId);
        return orders.list(product, Inputs.intParam("limit", limit, 100, 1, 10_000),
                Inputs.intParam("offset", offset, 0, 0, Integer.MAX_VALUE));
    }
}
