package io.safelock.inventory.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.service.PurchaseCommand;
import io.safelock.inventory.service.PurchaseService;
import io.safelock.inventory.service.Strategy;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Purchases: the seed's {@code /purchase/without-lock/{id}}, {@code /purchase/with-lock/{id}} and
 * {@code /buy/{id}}, plus the database-native strategies at {@code /purchase/{strategy}/{id}}.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Purchases")
public class PurchaseResource {

    private final PurchaseService purchases;
    private final JsonInput input;
    private final InventoryConfig.Purchase settings;
    private final boolean extendByDefault;

    PurchaseResource(PurchaseService purchases, JsonInput input, InventoryConfig config) {
        this.purchases = purchases;
        this.input = input;
        this.settings = config.purchase();
        this.extendByDefault = config.lock().autoExtend();
    }

    @POST
    @Path("purchase/{strategy}/{productId}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Buy units of a product with the given strategy",
            description = "Strategies: without-lock (racy, oversells), with-lock (Redis lock + fencing token), with-lock-retry,"
                    + " conditional-update (UPDATE … WHERE stock >= q), select-for-update (row lock). 200 success, 400 out of stock"
                    + " or bad input, 404 unknown product or strategy, 409 lock not obtained in time or lost, 422 Idempotency-Key"
                    + " reused for another request, 503 Redis quorum unavailable.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiSchemas.Purchase.class)))
    public Uni<Response> purchase(@RestPath String strategy, @RestPath String productId,
                                  @Parameter(description = "Repeating a request with the same key returns the first answer and never buys twice")
                                  @RestHeader("Idempotency-Key") String idempotencyKey,
                                  @Parameter(description = "Processing delay for this request, in ms (default: inventory.purchase.processing-delay)")
                                  @RestQuery String delayMs,
                                  @Parameter(description = "Locked strategies: false holds the lease for one TTL without extending it"
                                          + " (default: inventory.lock.auto-extend). A purchase that then works past the TTL is"
                                          + " stopped only by the fencing token at the database: for demonstrating the fence.")
                                  @RestQuery String extend,
                                  String body) {
        long started = System.nanoTime();
        Strategy chosen = Strategy.fromPath(strategy).orElseThrow(() -> new InvalidInputException(404,
                "Unknown purchase strategy '" + strategy + "'; use one of " + Strategy.paths()));
        return purchase(chosen, productId, idempotencyKey, delayMs, extend, body, "quantity", started);
    }

    @POST
    @Path("buy/{id}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Buy with the lock, retrying while it is busy",
            description = "The with-lock purchase with a longer wait for a busy lock (inventory.buy.max-wait). Body {\"amount\": n}.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiSchemas.Buy.class)))
    public Uni<Response> buy(@RestPath String id, @RestHeader("Idempotency-Key") String idempotencyKey, @RestQuery String delayMs,
                             String body) {
        return purchase(Strategy.WITH_LOCK_RETRY, id, idempotencyKey, delayMs, null, body, "amount", System.nanoTime());
    }

    private Uni<Response> purchase(Strategy strategy, String productId, String idempotencyKey, String delayMs, String extend,
                                   String body, String quantityField, long started) {
        long id = Inputs.productId(productId);
        ObjectNode json = input.object(body);
        int quantity = input.integer(json, quantityField, 1, 1, settings.maxQuantity());
        var delay = Inputs.delay(delayMs, settings.processingDelay(), settings.maxProcessingDelay());
        String key = Inputs.idempotencyKey(idempotencyKey);
        boolean extendLease = Inputs.bool("extend", extend, extendByDefault);
        return purchases.purchase(new PurchaseCommand(id, quantity, strategy, delay, key, started, extendLease)).map(Responses::of);
    }
}
