package io.safelock.inventory.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The load benchmark measures PostgreSQL's ceiling with pgbench on {@code load/pgbench/*.sql}: those
 * scripts must send the sale statements the service sends, parameters filled in, or the ceiling is
 * someone else's.
 */
class PgbenchScriptsTest {

    @ParameterizedTest
    @CsvSource({
            "with-lock.sql, CLAIM, with-lock, :token",
            "without-lock.sql, UNCONDITIONAL, without-lock, NULL::bigint",
            "conditional-update.sql, COVERED, conditional-update, NULL::bigint",
            "select-for-update.sql, UNCONDITIONAL, select-for-update, NULL::bigint",
    })
    void theScriptSendsTheServicesSaleStatement(String script, Sale.Rule rule, String strategy, String token) throws IOException {
        Map<String, String> parameters = Map.of("$1", ":id", "$2", "1", "$3", token, "$4", "'" + strategy + "'", "$5", "NULL",
                "$6", "'" + Sale.EVENT_TYPE + "'", "$7", "'inventory.purchased'", "$8", "'2026-11-30T00:00:00Z'");
        String expected = rule.sql();
        for (int n = 8; n >= 1; n--) {
            expected = expected.replace("$" + n, parameters.get("$" + n));
        }
        String text = Files.readString(Path.of("..", "load", "pgbench", script));
        assertThat(normalized(text)).contains(normalized(expected) + ";");
    }

    private static String normalized(String sql) {
        return sql.replaceAll("\\s+", " ").trim();
    }
}
