package io.safelock.inventory.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safelock.testsupport.http.Http;
import io.safelock.inventory.testing.InventoryTestResource;
import io.safelock.inventory.testing.Products;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class IdempotencyTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    IdempotencyRepository repository;

    @ParameterizedTest
    @ValueSource(strings = {"without-lock", "with-lock", "conditional-update", "select-for-update"})
    void aRetryReturnsTheFirstAnswerAndBuysNothing(String strategy) {
        long id = Products.create(5);
        String key = UUID.randomUUID().toString();

        Http.Result first = purchase(strategy, id, key, "{\"quantity\": 2}");
        Http.Result retry = purchase(strategy, id, key, "{\"quantity\": 2}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(Products.stock(id)).isEqualTo(3);
        assertThat(Products.orders(id)).isEqualTo(1);
    }

    @Test
    void twentyCopiesAtOnceBuyOnce() {
        long id = Products.create(100);
        String key = UUID.randomUUID().toString();

        List<Http.Result> results = Http.concurrently(20, i -> Http.postJson(base + "purchase/with-lock/" + id, "{\"quantity\": 3}")
                .header("Idempotency-Key", key).build());

        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(results).extracting(r -> r.body().path("order_id").asLong()).containsOnly(results.get(0).body().path("order_id").asLong());
        assertThat(results).filteredOn(r -> r.header("Idempotent-Replayed") == null).hasSize(1);
        assertThat(Products.stock(id)).isEqualTo(97);
        assertThat(Products.orders(id)).isEqualTo(1);
    }

    @Test
    void reusingAKeyForADifferentRequestIsRefused() {
        long id = Products.create(5);
        String key = UUID.randomUUID().toString();
        assertThat(purchase("with-lock", id, key, "{\"quantity\": 1}").status()).isEqualTo(200);

        Http.Result otherQuantity = purchase("with-lock", id, key, "{\"quantity\": 2}");
        Http.Result otherStrategy = purchase("conditional-update", id, key, "{\"quantity\": 1}");

        assertThat(otherQuantity.status()).isEqualTo(422);
        assertThat(otherQuantity.body().path("reason").asText()).isEqualTo("idempotency_key_reused");
        assertThat(otherStrategy.status()).isEqualTo(422);
        assertThat(Products.stock(id)).isEqualTo(4);
    }

    @Test
    void outOfStockIsTheFirstAnswerEvenAfterARestock() {
        long id = Products.create(0);
        String key = UUID.randomUUID().toString();
        assertThat(purchase("with-lock", id, key, "{}").status()).isEqualTo(400);

        Http.post(base + "stock/" + id + "/reset", "{\"stock\": 5}");
        Http.Result retry = purchase("with-lock", id, key, "{}");

        assertThat(retry.status()).isEqualTo(400);
        assertThat(retry.error()).isEqualTo("Out of stock");
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(Products.stock(id)).isEqualTo(5);
    }

    @Test
    void aLockTimeoutChangesNothingSoTheSameKeyMayBuyLater() throws Exception {
        long id = Products.create(5);
        CompletableFuture<Http.Result> holder = CompletableFuture.supplyAsync(
                () -> Http.post(base + "purchase/with-lock/" + id + "?delayMs=5000", "{}"));
        Thread.sleep(400);
        String key = UUID.randomUUID().toString();

        Http.Result timedOut = purchase("with-lock", id, key, "{}");
        holder.get();
        Http.Result retry = purchase("with-lock", id, key, "{}");

        assertThat(timedOut.status()).isEqualTo(409);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.header("Idempotent-Replayed")).isNull();
        assertThat(Products.stock(id)).isEqualTo(3);
    }

    @Test
    void aClaimWhoseRequestDiedIsTakenOverAfterTheClaimTimeout() {
        long id = Products.create(5);
        String key = UUID.randomUUID().toString();
        // a replica claimed the key 10 minutes ago for this very request and died before finishing
        InventoryTestResource.current().database().update("""
                INSERT INTO idempotency_keys (key, fingerprint, claim_token, state, claimed_at)
                VALUES (?, ?, ?, 'in_progress', now() - interval '10 minutes')""", key, "with-lock|" + id + "|1", UUID.randomUUID());

        Http.Result result = purchase("with-lock", id, key, "{}");

        assertThat(result.status()).isEqualTo(200);
        assertThat(Products.orders(id)).isEqualTo(1);
    }

    @Test
    void aTakenOverClaimCanNoLongerComplete() {
        String key = UUID.randomUUID().toString();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        assertThat(repository.claim(key, "f", first, Duration.ofMinutes(2)).await().indefinitely()).isTrue();
        assertThat(repository.claim(key, "f", second, Duration.ofMinutes(2)).await().indefinitely()).as("fresh claim is kept").isFalse();
        InventoryTestResource.current().database().update("UPDATE idempotency_keys SET claimed_at = now() - interval '1 hour' WHERE key = ?", key);
        assertThat(repository.claim(key, "f", second, Duration.ofMinutes(2)).await().indefinitely()).as("abandoned claim is taken").isTrue();

        boolean staleCompleted = repository.complete(new IdempotencyClaim(key, first), 200, "{}").await().indefinitely();
        boolean ownerCompleted = repository.complete(new IdempotencyClaim(key, second), 200, "{}").await().indefinitely();

        assertThat(staleCompleted).isFalse();
        assertThat(ownerCompleted).isTrue();
    }

    @Test
    void badKeysAreRefusedBeforeAnythingHappens() {
        long id = Products.create(5);
        for (String key : List.of("x".repeat(256), "has space", "tab\tkey")) {
            Http.Result result = Http.send(Http.postJson(base + "purchase/with-lock/" + id, "{}").header("Idempotency-Key", key).build());
            assertThat(result.status()).as(key).isEqualTo(400);
            assertThat(result.error()).contains("Idempotency-Key");
        }
        assertThat(Products.stock(id)).isEqualTo(5);
    }

    private Http.Result purchase(String strategy, long id, String key, String body) {
        return Http.send(Http.postJson(base + "purchase/" + strategy + "/" + id + "?delayMs=0", body).header("Idempotency-Key", key).build());
    }
}
