package io.safelock.inventory.rest;

import io.safelock.inventory.data.Product;
import io.safelock.inventory.data.ProductRepository;
import io.safelock.lock.quarkus.http.InvalidInputException;
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

    ProductResource(ProductRepository products) {
        this.products = products;
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
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a product: 201 with its id and a Location header")
    public Uni<Response> create(Requests.NewProduct body) {
        if (body == null) {
            throw new InvalidInputException("A body is required: {\"name\": \"…\", \"stock\": n, \"price\": 9.99}");
        }
        String name = Inputs.text("name", body.name(), MAX_NAME);
        int stock = Inputs.required("stock", body.stock(), 0, StockResource.MAX_STOCK);
        BigDecimal price = Inputs.money("price", body.price(), MAX_PRICE);
        return products.create(name, stock, price)
                .map(product -> Response.created(URI.create("/products/" + product.id())).entity(product).build());
    }
}
