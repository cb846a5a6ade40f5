package io.safelock.inventory.data;

import io.safelock.lock.quarkus.http.BackendUnavailable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * PostgreSQL out of reach: a closed connection, or a server-side state of class 08 (connection), 53
 * (insufficient resources) or 57P (shutting down). Answered 503, not 500.
 */
@ApplicationScoped
public class DatabaseUnavailable implements BackendUnavailable {

    @Override
    public boolean isUnavailable(Throwable failure) {
        if (failure instanceof ClosedConnectionException) {
            return true;
        }
        if (failure instanceof PgException pg && pg.getSqlState() != null) {
            String state = pg.getSqlState();
            return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P");
        }
        return false;
    }
}
