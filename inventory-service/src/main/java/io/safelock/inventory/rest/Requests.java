package io.safelock.inventory.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The request bodies, read strictly by lock-common's {@code JsonObjectReader} (a JSON object, whole
 * numbers as JSON integers, no nulls, no unknown fields); the routes check the ranges. They are also the
 * OpenAPI document's schemas.
 */
final class Requests {

    private Requests() {
    }

    @Schema(name = "PurchaseRequest")
    @RegisterForReflection
    record Purchase(@Schema(description = "Units to buy (default 1, at most inventory.purchase.max-quantity)",
            minimum = "1", defaultValue = "1") Integer quantity) { }

    @Schema(name = "BuyRequest", description = "The seed's body")
    @RegisterForReflection
    record Buy(@Schema(description = "Units to buy (default 1, at most inventory.purchase.max-quantity)",
            minimum = "1", defaultValue = "1") Integer amount) { }

    @Schema(name = "StockResetRequest")
    @RegisterForReflection
    record StockReset(@Schema(required = true, minimum = "0", maximum = "1000000000") Integer stock) { }

    @Schema(name = "NewProduct")
    @RegisterForReflection
    record NewProduct(@Schema(required = true, minLength = 1, maxLength = 200) String name,
                      @Schema(required = true, minimum = "0", maximum = "1000000000") Integer stock,
                      @Schema(required = true, minimum = "0", maximum = "1000000000", description = "At most two decimals")
                      BigDecimal price) { }
}
