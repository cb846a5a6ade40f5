package io.safelock.inventory.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.safelock.testsupport.http.Http;

/** Creates a product of its own for each test, so tests share nothing but the server. */
public final class Products {

    private Products() {
    }

    public static long create(int stock) {
        return create("Test product", stock, "10.00");
    }

    public static long create(String name, int stock, String price) {
        return given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"stock\": " + stock + ", \"price\": " + price + "}")
                .post("/products")
                .then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    /**
     * Every product's stock now, to put back with {@link #restoreStock} after a test that resets all
     * products (POST /stock/reset-all), so tests that look at the seeded sample products still see them.
     */
    public static java.util.Map<Long, Integer> stockOfAll() {
        java.util.Map<Long, Integer> stock = new java.util.HashMap<>();
        try (java.sql.Connection connection = InventoryTestResource.current().database().connect();
             java.sql.ResultSet rows = connection.createStatement().executeQuery("SELECT id, stock FROM products")) {
            while (rows.next()) {
                stock.put(rows.getLong(1), rows.getInt(2));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return stock;
    }

    public static void restoreStock(java.util.Map<Long, Integer> stock) {
        stock.forEach((id, value) -> InventoryTestResource.current().database().update("UPDATE products SET stock = ? WHERE id = ?", value, id));
    }

    public static int stock(long id) {
        return given().get("/stock/" + id).then().statusCode(200).extract().jsonPath().getInt("stock");
    }

    public static long orders(long productId) {
        return InventoryTestResource.current().database().queryLong("SELECT count(*) FROM orders WHERE product_id = ?", productId);
    }

    public static long unitsSold(long productId) {
        return InventoryTestResource.current().database()
                .queryLong("SELECT COALESCE(sum(quantity), 0) FROM orders WHERE product_id = ?", productId);
    }

    /**
     * Bought, out of stock, or turned away after {@code lock.wait-timeout} (a legitimate answer on a
     * machine too busy to serve every waiter in time): nothing else, never a 5xx.
     */
    public static boolean soldOutOrTurnedAway(Http.Result result) {
        return result.status() == 200 || result.status() == 400
                || (result.status() == 409 && "lock_timeout".equals(result.body().path("reason").asText()));
    }
}
