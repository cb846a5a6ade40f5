package io.safelock.inventory.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import io.safelock.testsupport.http.AdminToken;
import io.safelock.testsupport.http.HttpContractSuite;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/** lock-test-support's HTTP contract suite with inventory-service's table of bad requests: each one changes nothing. */
@QuarkusTest
class HttpContractTest extends HttpContractSuite {

    /** Some calls here reset every product (POST /stock/reset-all): the sample products get their stock back afterwards. */
    private static java.util.Map<Long, Integer> stockBefore;

    @org.junit.jupiter.api.BeforeAll
    static void rememberStock() {
        stockBefore = io.safelock.inventory.testing.Products.stockOfAll();
    }

    @org.junit.jupiter.api.AfterAll
    static void putStockBack() {
        io.safelock.inventory.testing.Products.restoreStock(stockBefore);
    }

    @TestHTTPResource("/")
    URL base;

    long id;
    private long[] before;

    @BeforeEach
    void product() {
        id = Products.create(5);
    }

    @Override
    protected String baseUrl() {
        return base.toString();
    }

    @Override
    protected List<Call> badRequests() {
        List<Call> calls = new ArrayList<>();
        String table = """
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
                POST | /purchase/with-lock/{id}                  | null                     | 400
                POST | /purchase/with-lock/{id}                  | {"quantity": null}       | 400
                POST | /purchase/with-lock/{id}                  | {"quantity": 1, "quantity": 2} | 400
                POST | /purchase/with-lock/{id}                  | {"quantitty": 2}         | 400
                POST | /purchase/with-lock/{id}                  | {"quantity": 1} trailing | 400
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
                POST | /buy/{id}                                 | null                     | 400
                POST | /buy/xyz                                  | {"amount": 1}            | 400
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
                POST | /products                                 | {"name": "x", "stock": 1, "price": "12.50"} | 400
                POST | /products                                 | {"name": "x", "stock": 1, "price": 1e309} | 400
                POST | /products                                 | {"name": "x\\u0000y", "stock": 1, "price": 1} | 400
                POST | /products                                 | {"name": 5, "stock": 1, "price": 1}     | 400
                POST | /products                                 | {"stock": 1, "price": 1}                | 400
                POST | /products                                 | {"name": "x", "stock": 1}               | 400
                POST | /products                                 | {oops                                   | 400
                POST | /products                                 |                                         | 400
                GET  | /purchase/with-lock/{id}                  |                          | 405
                DELETE | /products/{id}                          |                          | 405
                """;
        for (String row : table.strip().split("\n")) {
            String[] cells = row.split("\\|", -1);
            String body = cells[2].strip();
            String path = cells[1].strip().replace("{id}", Long.toString(id)).substring(1);
            calls.add(Call.of(cells[0].strip(), path, body.isEmpty() && cells[0].strip().equals("GET") ? null : body,
                    Integer.parseInt(cells[3].strip())).with("Idempotency-Key", UUID.randomUUID().toString()));
        }
        String purchase = "purchase/with-lock/" + id + "?delayMs=0";
        calls.add(Call.of("POST", purchase, "   ", 400));
        calls.add(Call.of("POST", purchase, "{}", 400).with("Idempotency-Key", ""));
        calls.add(Call.of("POST", purchase, "{}", 400).with("Idempotency-Key", "has space"));
        calls.add(Call.of("POST", purchase, "{}", 400).with("Idempotency-Key", "k".repeat(256)));
        calls.add(Call.of("POST", "stock/" + id + "/reset", "{\"stock\": -1}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/" + id + "/reset", "{\"stock\": \"10\"}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/" + id + "/reset", "{}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/" + id + "/reset", "{\"stock\": 1e3}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/" + id + "/reset", "{\"stock\": 10000000000}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/abc/reset", "{\"stock\": 1}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/reset-all", "{\"stock\": -1}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/reset-all", "{\"stock\": \"10\"}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/reset-all", "{}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/reset-all", "{\"stock\": 1, \"all\": true}", 400).with("Authorization", AdminToken.bearer()));
        calls.add(Call.of("POST", "stock/reset-all", "[5]", 400).with("Authorization", AdminToken.bearer()));
        return calls;
    }

    @Override
    protected Call acceptedJsonPost() {
        return Call.of("POST", "purchase/with-lock/" + id + "?delayMs=0", "{\"quantity\": 1}", 200);
    }

    @Override
    protected List<Call> adminCalls() {
        return List.of(Call.of("POST", "stock/" + id + "/reset", "{\"stock\": 7}", 200),
                Call.of("POST", "stock/reset-all", "{\"stock\": 7}", 200));
    }

    @Override
    protected Call realRoute() {
        return Call.of("GET", "stock/" + id, null, 200);
    }

    @Override
    protected String realRouteTemplate() {
        return "/stock/{productId}";
    }

    @Override
    protected String deleteNotAllowedPath(int i) {
        return "stock/" + (1_000_000 + i);
    }

    @Override
    protected String postRoutePath(int i) {
        return "purchase/with-lock/" + (1_000_000 + i);
    }

    @Override
    protected void rememberState() {
        before = state();
    }

    @Override
    protected void assertUnchanged() {
        assertThat(state()).as("stock, orders, products, events").containsExactly(before);
    }

    private long[] state() {
        var database = InventoryTestResource.current().database();
        return new long[] {Products.stock(id), database.queryLong("SELECT count(*) FROM orders"),
                database.queryLong("SELECT count(*) FROM products"), database.queryLong("SELECT count(*) FROM outbox_events")};
    }
}
