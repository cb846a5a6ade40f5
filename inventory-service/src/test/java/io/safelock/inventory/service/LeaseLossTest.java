package io.safelock.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.inventory.testing.Http;
import io.safelock.inventory.testing.Products;
import io.safelock.testsupport.RedisNodesTestResource;
import io.safelock.testsupport.RedisServer;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** With auto-extension (the default), a lease that is lost while the purchase runs stops it before it writes. */
@QuarkusTest
class LeaseLossTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aPurchaseWhoseLockVanishesWritesNothingAndSaysLockLost() throws Exception {
        long id = Products.create(5);
        CompletableFuture<Http.Result> purchase = CompletableFuture.supplyAsync(
                () -> Http.post(base + "purchase/with-lock/" + id + "?delayMs=2000", "{}"));
        Thread.sleep(500);

        // the key disappears from every node (an operator's FLUSHALL, or expiry during a pause): the next
        // extension is refused and the guard reports the loss
        for (RedisServer node : RedisNodesTestResource.current().all()) {
            deleteLockKey(node.port(), "lock:{product:" + id + "}");
        }
        Http.Result result = purchase.get();

        assertThat(result.status()).isEqualTo(409);
        assertThat(result.body().path("reason").asText()).isEqualTo("lock_lost");
        assertThat(Products.stock(id)).isEqualTo(5);
        assertThat(Products.orders(id)).isZero();
    }

    private static void deleteLockKey(int port, String key) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$3\r\nDEL\r\n$" + key.length() + "\r\n" + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().read(new byte[64]);
        }
    }
}
