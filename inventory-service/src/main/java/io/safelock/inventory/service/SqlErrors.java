package io.safelock.inventory.service;

import io.vertx.pgclient.PgException;

/** PostgreSQL error codes the purchase flows turn into answers. */
public final class SqlErrors {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private SqlErrors() {
    }

    public static boolean isUniqueViolation(Throwable failure) {
        return sqlState(failure).equals(UNIQUE_VIOLATION);
    }

    /** {@code lock_timeout} expired while waiting for a row lock. */
    public static boolean isLockTimeout(Throwable failure) {
        return sqlState(failure).equals(LOCK_NOT_AVAILABLE);
    }

    private static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                return pg.getSqlState();
            }
        }
        return "";
    }
}
