package io.safelock.inventory.rest;

import io.safelock.inventory.config.InventoryConfig;
import io.safelock.inventory.service.PurchaseCommand;
import io.safelock.inventory.service.PurchaseService;
import io.safelock.inventory.service.Strategy;
import io.safelock.lock.quarkus.http.InvalidInputException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final PurchaseService purchases;
    private final InventoryConfig.Purchase settings;
    private final boolean extendByDefault;

    PurchaseResource(PurchaseService purchases, InventoryConfig config) {
        this.purchases = purchases;
        this.settings = config.purchase();
        this.extendByDefault = config.lock().autoExtend();
    }

    @POST
    @Path("purchase/{strategy}/{productId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Buy units of a product with the given strategy",
            description = "Strategies: without-lock (racy, oversells), with-lock (Redis lock + fencing token), with-lock-retry,"
                    + " conditional-update (UPDATE … WHERE stock >= q), select-for-update (row lock). 200 success, 400 out of stock"
                    + " or bad input, 404 unknown product or strategy, 409 lock not obtained in time or lost, 422 Idempotency-Key"
                    + " reused for another request, 503 Redis quorum unavailable. The body may be left out (one unit).")
    public Uni<Response> purchase(@Context HttpServerRequest http, @RestPath String strategy, @RestPath String productId,
                                  @Parameter(description = "Repeating a request with the same key returns the first answer and never buys twice")
                                  @RestHeader("Idempotency-Key") String idempotencyKey,
                                  @Parameter(description = "Processing delay for this request, in ms (default: inventory.purchase.processing-delay)")
                                  @RestQuery String delayMs,
                                  @Parameter(description = "Locked strategies: false holds the lease for one TTL without extending it"
                                          + " (default: inventory.lock.auto-extend). A purchase that then works past the TTL is"
                                          + " stopped only by the fencing token at the database: for demonstrating the fence.")
                                  @RestQuery String extend,
                                  Requests.Purchase body) {
        long started = System.nanoTime();
        Strategy chosen = Strategy.fromPath(strategy).orElseThrow(() -> new InvalidInputException(404,
                "Unknown purchase strategy '" + strategy + "'; use one of " + Strategy.paths()));
        return purchase(chosen, productId, presentKey(http, idempotencyKey), delayMs, extend, "quantity", body == null ? null : body.quantity(),
                started);
    }

    @POST
    @Path("buy/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Buy with the lock, retrying while it is busy",
            description = "The with-lock purchase with a longer wait for a busy lock (inventory.buy.max-wait). Body {\"amount\": n}.")
    public Uni<Response> buy(@Context HttpServerRequest http, @RestPath String id, @RestHeader("Idempotency-Key") String idempotencyKey,
                             @RestQuery String delayMs, Requests.Buy body) {
        return purchase(Strategy.WITH_LOCK_RETRY, id, presentKey(http, idempotencyKey), delayMs, null, "amount", body == null ? null : body.amount(),
                System.nanoTime());
    }

    private Uni<Response> purchase(Strategy strategy, String productId, String idempotencyKey, String delayMs, String extend,
                                   String quantityField, Integer requested, long started) {
        long id = Inputs.productId(productId);
        int quantity = Inputs.inRange(quantityField, requested, 1, 1, settings.maxQuantity());
        var delay = Inputs.delay(delayMs, settings.processingDelay(), settings.maxProcessingDelay());
        String key = Inputs.idempotencyKey(idempotencyKey);
        boolean extendLease = Inputs.bool("extend", extend, extendByDefault);
        return purchases.purchase(new PurchaseCommand(id, quantity, strategy, delay, key, started, extendLease)).map(Responses::of);
    }

    /** An empty Idempotency-Key header is a mistake to refuse, not the absence of a key (the header parameter says null for both). */
    private static String presentKey(HttpServerRequest http, String parsed) {
        return parsed == null && http.headers().contains(IDEMPOTENCY_KEY) ? http.getHeader(IDEMPOTENCY_KEY) : parsed;
    }
}
