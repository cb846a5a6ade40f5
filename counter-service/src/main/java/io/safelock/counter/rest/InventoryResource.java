package io.safelock.counter.rest;

import io.safelock.counter.inventory.InventoryConsumer;
import io.safelock.counter.inventory.UnitsSold;
import io.safelock.counter.service.InputRules;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

@Path("/inventory/products")
@Tag(name = "inventory")
@Produces(MediaType.APPLICATION_JSON)
public class InventoryResource {

    private final InventoryConsumer inventory;
    private final InputRules rules;

    public InventoryResource(InventoryConsumer inventory, InputRules rules) {
        this.inventory = inventory;
        this.rules = rules;
    }

    @GET
    @Path("{productId}/units-sold")
    @Operation(summary = "Units of the product sold, counted once per inventory.purchased event")
    public Uni<UnitsSold> unitsSold(@RestPath String productId) {
        rules.positiveId("productId", productId);
        return inventory.unitsSold(productId);
    }
}
