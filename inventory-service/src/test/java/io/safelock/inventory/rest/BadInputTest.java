package io.safelock.inventory.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.Http;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad request: a 4xx with a JSON error, never a 500, and nothing written anywhere. */
@QuarkusTest
class BadInputTest {

    @TestHTTPResource("/")
    URL base;

    long id;

    @BeforeEach
    void product() {
        id = Products.create(5);
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            POST | /purchase/with-lock/abc                   | {"quantity": 1}          | 400
            POST | /purchase/with-lock/-1                    | {"quantity": 1}          | 400
            POST | /purchase/with-lock/0                     | {"quantity": 1}          | 400
            POST | /purchase/with-lock/99999999999999999999  | {"quantity": 1}          | 400
            POST | /purchase/with-lock/1.5                   | {"quantity": 1}          | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": 0}          | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": -3}         | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": 1001}       | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": 9223372036854775808} | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": 1e400}      | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": "2"}        | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": 1.5}        | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": true}       | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": [1]}        | 400
            POST | /purchase/with-lock/{id}                  | {"quantity": 1           | 400
            POST | /purchase/with-lock/{id}                  | not json                 | 400
            POST | /purchase/with-lock/{id}                  | [1, 2]                   | 400
            POST | /purchase/with-lock/{id}                  | "quantity"               | 400
            POST | /purchase/without-lock/{id}               | {"quantity": -1}         | 400
            POST | /purchase/conditional-update/{id}         | {"quantity": "x"}        | 400
            POST | /purchase/select-for-update/{id}          | {"quantity": 0}          | 400
            POST | /purchase/with-lock/{id}?delayMs=-1       | {}                       | 400
            POST | /purchase/with-lock/{id}?delayMs=abc      | {}                       | 400
            POST | /purchase/with-lock/{id}?delayMs=999999999 | {}                      | 400
            POST | /purchase/with-lock/{id}?extend=maybe     | {}                       | 400
            POST | /purchase/nonsense/{id}                   | {}                       | 404
            POST | /buy/{id}                                 | {"amount": 0}            | 400
            POST | /buy/{id}                                 | {"amount": "1"}          | 400
            POST | /buy/xyz                                  | {"amount": 1}            | 400
            POST | /stock/{id}/reset                         | {"stock": -1}            | 400
            POST | /stock/{id}/reset                         | {"stock": "10"}          | 400
            POST | /stock/{id}/reset                         | {}                       | 400
            POST | /stock/{id}/reset                         | {"stock": 1e3}           | 400
            POST | /stock/{id}/reset                         | {"stock": 10000000000}   | 400
            POST | /stock/abc/reset                          | {"stock": 1}             | 400
            GET  | /stock/abc                                |                          | 400
            GET  | /stock/424242424                          |                          | 404
            POST | /purchase/with-lock/424242424             | {}                       | 404
            GET  | /products/abc                             |                          | 400
            GET  | /products/424242424                       |                          | 404
            GET  | /products?limit=0                         |                          | 400
            GET  | /products?limit=abc                       |                          | 400
            GET  | /orders?productId=abc                     |                          | 400
            GET  | /orders?limit=-5                          |                          | 400
            POST | /products                                 | {"name": "", "stock": 1, "price": 1}    | 400
            POST | /products                                 | {"name": "x", "stock": -1, "price": 1}  | 400
            POST | /products                                 | {"name": "x", "stock": 1, "price": -1}  | 400
            POST | /products                                 | {"name": "x", "stock": 1, "price": 1.001} | 400
            POST | /products                                 | {"name": "x", "stock": 1, "price": "abc"} | 400
            POST | /products                                 | {"name": 5, "stock": 1, "price": 1}     | 400
            POST | /products                                 | {"stock": 1, "price": 1}                | 400
            POST | /products                                 | {"name": "x", "stock": 1}               | 400
            POST | /products                                 | {oops                                   | 400
            GET  | /purchase/with-lock/{id}                  |                          | 405
            DELETE | /products/{id}                          |                          | 405
            """)
    void refused(String method, String path, String body, int status) {
        long ordersBefore = count("SELECT count(*) FROM orders");
        long productsBefore = count("SELECT count(*) FROM products");
        long outboxBefore = count("SELECT count(*) FROM outbox_events");

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path.replace("{id}", Long.toString(id)).substring(1)))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        Http.Result result = Http.send(request.build());

        assertThat(result.status()).isEqualTo(status);
        assertThat(result.error()).as("JSON error message").isNotBlank();
        assertThat(Products.stock(id)).as("stock untouched").isEqualTo(5);
        assertThat(count("SELECT count(*) FROM orders")).as("no order").isEqualTo(ordersBefore);
        assertThat(count("SELECT count(*) FROM products")).as("no product").isEqualTo(productsBefore);
        assertThat(count("SELECT count(*) FROM outbox_events")).as("no event").isEqualTo(outboxBefore);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            application/x-www-form-urlencoded
            text/plain
            ''
            """)
    void theSeedsCurlWorksWhateverTheContentType(String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "purchase/with-lock/" + id + "?delayMs=0"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\": 2}"));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        Http.Result result = Http.send(request.build());

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body().path("remaining_stock").asInt()).isEqualTo(3);
    }

    private static long count(String sql) {
        return InventoryTestResource.current().database().queryLong(sql);
    }
}
