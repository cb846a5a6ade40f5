package io.safelock.inventory.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request body shapes, for the OpenAPI document only (the routes read bodies with {@link JsonInput}). */
final class ApiSchemas {

    private ApiSchemas() {
    }

    @Schema(name = "PurchaseRequest")
    record Purchase(@Schema(description = "Units to buy (default 1)", minimum = "1", defaultValue = "1") Integer quantity) { }

    @Schema(name = "BuyRequest")
    record Buy(@Schema(description = "Units to buy (default 1)", minimum = "1", defaultValue = "1") Integer amount) { }

    @Schema(name = "StockResetRequest")
    record Reset(@Schema(required = true, minimum = "0") Integer stock) { }

    @Schema(name = "NewProduct")
    record NewProduct(@Schema(required = true, maxLength = 200) String name,
                      @Schema(required = true, minimum = "0") Integer stock,
                      @Schema(required = true, minimum = "0", description = "At most two decimals") java.math.BigDecimal price) { }
}
