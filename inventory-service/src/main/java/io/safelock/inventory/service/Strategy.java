package io.safelock.inventory.service;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a purchase keeps (or fails to keep) concurrent buyers from overselling. The path segment is
 * the route ({@code POST /purchase/{path}/{productId}}) and the {@code strategy} metric tag.
 */
public enum Strategy {
    /** Read, pause, check, decrement: the race the seed demonstrates. */
    WITHOUT_LOCK("without-lock", "NO LOCK"),
    /** The same steps inside a lock-common lock on the product, fenced at the row. */
    WITH_LOCK("with-lock", "WITH LOCK"),
    /** As {@link #WITH_LOCK}, waiting longer for a busy lock ({@code POST /buy/{id}}). */
    WITH_LOCK_RETRY("with-lock-retry", "WITH LOCK"),
    /** One {@code UPDATE … WHERE stock >= q RETURNING}: the database decides, no lock. */
    CONDITIONAL_UPDATE("conditional-update", "CONDITIONAL UPDATE"),
    /** {@code SELECT … FOR UPDATE} in a transaction: PostgreSQL's row lock instead of Redis. */
    SELECT_FOR_UPDATE("select-for-update", "SELECT FOR UPDATE");

    private final String path;
    private final String label;

    Strategy(String path, String label) {
        this.path = path;
        this.label = label;
    }

    public String path() {
        return path;
    }

    /** As in the seed's messages: "Purchase successful (WITH LOCK)". */
    public String label() {
        return label;
    }

    /** The strategies that take the product's distributed lock. */
    public boolean takesTheLock() {
        return this == WITH_LOCK || this == WITH_LOCK_RETRY;
    }

    public static Optional<Strategy> fromPath(String path) {
        return Arrays.stream(values()).filter(s -> s.path.equals(path)).findFirst();
    }

    public static String paths() {
        return Arrays.stream(values()).map(Strategy::path).collect(Collectors.joining(", "));
    }
}
