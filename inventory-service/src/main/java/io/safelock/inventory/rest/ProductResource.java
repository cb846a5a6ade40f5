package io.safelock.inventory.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.safelock.inventory.data.Product;
import io.safelock.inventory.data.ProductRepository;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/products")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Products")
public class ProductResource {

    private static final int MAX_NAME = 200;
    private static final BigDecimal MAX_PRICE = new BigDecimal("1000000000");

    private final ProductRepository products;
    private final JsonInput input;

    ProductResource(ProductRepository products, JsonInput input) {
        this.products = products;
        this.input = input;
    }

    @GET
    @Operation(summary = "Products by id, paged with limit (1-1000, default 100) and offset")
    public Uni<List<Product>> list(@RestQuery String limit, @RestQuery String offset) {
        return products.list(Inputs.intParam("limit", limit, 100, 1, 1000), Inputs.intParam("offset", offset, 0, 0, Integer.MAX_VALUE));
    }

    @GET
    @Path("{id}")
    public Uni<Response> get(@RestPath String id) {
        long productId = Inputs.productId(id);
        return products.find(productId).map(found -> found
                .map(product -> Response.ok(product).build())
                .orElseThrow(() -> new InvalidInputException(404, "Product not found")));
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create a product: 201 with its id and a Location header")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiSchemas.NewProduct.class)))
    public Uni<Response> create(String body) {
        ObjectNode json = input.object(body);
        String name = input.requiredText(json, "name", MAX_NAME);
        int stock = input.requiredInteger(json, "stock", 0, StockResource.MAX_STOCK);
        BigDecimal price = input.requiredMoney(json, "price", MAX_PRICE);
        return products.create(name, stock, price)
                .map(product -> Response.created(URI.create("/products/" + product.id())).entity(product).build());
    }
}
