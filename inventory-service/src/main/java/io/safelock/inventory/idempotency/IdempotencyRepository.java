package io.safelock.inventory.idempotency;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class IdempotencyRepository {

    /** What is stored for a key. {@code status}/{@code body} are set once it is completed. */
    public record Entry(String fingerprint, boolean completed, Integer status, String body) { }

    private final Pool pool;

    IdempotencyRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Claims the key for {@code token}: inserts it, or takes over an in-progress claim older than
     * {@code abandonedAfter} for the same request. True if the claim is now this token's. Concurrent
     * inserts of one key serialize on the primary key, so exactly one of them wins.
     */
    public Uni<Boolean> claim(String key, String fingerprint, UUID token, Duration abandonedAfter) {
        return pool.preparedQuery("""
                        INSERT INTO idempotency_keys (key, fingerprint, claim_token, state) VALUES ($1, $2, $3, 'in_progress')
                        ON CONFLICT (key) DO UPDATE SET claim_token = EXCLUDED.claim_token, claimed_at = now()
                        WHERE idempotency_keys.state = 'in_progress' AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
                          AND idempotency_keys.claimed_at < now() - ($4::bigint * interval '1 millisecond')
                        RETURNING claim_token""")
                .execute(Tuple.of(key, fingerprint, token, abandonedAfter.toMillis()))
                .map(rows -> rows.size() == 1 && token.equals(rows.iterator().next().getUUID(0)));
    }

    public Uni<Optional<Entry>> find(String key) {
        return pool.preparedQuery("SELECT fingerprint, state, response_status, response_body FROM idempotency_keys WHERE key = $1")
                .execute(Tuple.of(key))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new Entry(row.getString("fingerprint"), "completed".equals(row.getString("state")),
                            row.getInteger("response_status"), row.getString("response_body")));
                });
    }

    /** Stores the answer, only while the claim is still {@code claim}'s. In the caller's transaction when given one. */
    public Uni<Boolean> complete(SqlClient client, IdempotencyClaim claim, int status, String body) {
        return client.preparedQuery("""
                        UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4, completed_at = now()
                        WHERE key = $1 AND claim_token = $2 AND state = 'in_progress'""")
                .execute(Tuple.of(claim.key(), claim.token(), status, body))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> complete(IdempotencyClaim claim, int status, String body) {
        return complete(pool, claim, status, body);
    }

    /** Forgets a claim whose request changed nothing and may be retried with the same key. */
    public Uni<Void> release(IdempotencyClaim claim) {
        return pool.preparedQuery("DELETE FROM idempotency_keys WHERE key = $1 AND claim_token = $2 AND state = 'in_progress'")
                .execute(Tuple.of(claim.key(), claim.token())).replaceWithVoid();
    }

    public Uni<Integer> deleteOlderThan(Duration age) {
        return pool.preparedQuery("DELETE FROM idempotency_keys WHERE claimed_at < now() - ($1::bigint * interval '1 millisecond')")
                .execute(Tuple.of(age.toMillis())).map(rows -> rows.rowCount());
    }
}
