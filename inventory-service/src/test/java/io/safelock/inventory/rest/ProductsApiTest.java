package io.safelock.inventory.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.safelock.inventory.testing.Products;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProductsApiTest {

    @Test
    void theSampleProductsAreThereFromTheFirstStart() {
        JsonPath products = given().get("/products?limit=3").then().statusCode(200).extract().jsonPath();
        assertThat(products.getList("id", Integer.class)).containsExactly(1, 2, 3);
        assertThat(products.getList("name", String.class)).containsExactly("iPhone 15", "MacBook Pro", "AirPods Pro");
        assertThat(products.getList("price", Float.class)).containsExactly(999.00f, 2499.00f, 249.00f);
        // stock as seeded unless a test bought some: the seed scenario tests use products of their own
        assertThat(products.getList("stock", Integer.class)).containsExactly(10, 5, 20);
    }

    @Test
    void createGetAndList() {
        var created = given().contentType(ContentType.JSON).body("{\"name\": \"Vision Pro\", \"stock\": 4, \"price\": 3499.5}")
                .post("/products").then().statusCode(201).extract();
        long id = created.jsonPath().getLong("id");
        assertThat(id).isGreaterThan(3);
        assertThat(created.header("Location")).endsWith("/products/" + id);

        given().get("/products/" + id).then().statusCode(200)
                .body("name", equalTo("Vision Pro")).body("stock", equalTo(4)).body("price", equalTo(3499.50f)).body("fenceToken", equalTo(0));
        given().get("/products?limit=1000").then().statusCode(200).body("id", hasItem((int) id));
        given().get("/products/424242").then().statusCode(404).body("error", equalTo("Product not found"));
    }

    @Test
    void ordersOfAProduct() {
        long id = Products.create("Orders product", 10, "2.50");
        given().contentType(ContentType.JSON).body("{\"quantity\": 2}").post("/purchase/conditional-update/" + id + "?delayMs=0").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"quantity\": 3}").post("/purchase/with-lock/" + id + "?delayMs=0").then().statusCode(200);

        List<Map<String, Object>> orders = given().get("/orders?productId=" + id).then().statusCode(200)
                .body("$", hasSize(2)).extract().jsonPath().getList("$");

        assertThat(orders).extracting(o -> o.get("quantity")).containsExactly(3, 2); // newest first
        assertThat(orders).extracting(o -> o.get("strategy")).containsExactly("with-lock", "conditional-update");
        assertThat(orders).extracting(o -> o.get("remainingStock")).containsExactly(5, 8);
        assertThat(orders.get(0).get("fencingToken")).isNotNull();
        assertThat(orders.get(1).get("fencingToken")).isNull();
        assertThat(orders).allSatisfy(o -> assertThat(o.get("unitPrice")).isEqualTo(2.5f));
    }

    @Test
    void theApiIsDescribedInOpenApi() {
        String document = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        assertThat(document).contains("/purchase/{strategy}/{productId}", "/buy/{id}", "/stock/{productId}/reset", "/orders",
                "Idempotency-Key", "PurchaseRequest");
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
