package io.safelock.inventory.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A database of its own on the shared PostgreSQL server (127.0.0.1:5432), dropped afterwards, so tests
 * never see another run's rows. Names carry their creation time; leftovers of killed runs older than
 * an hour are dropped when the next one is created.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 5432;
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    private static final String PREFIX = "inventory_test_";

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    public static TestDatabase create() {
        long now = System.currentTimeMillis() / 1000;
        String name = PREFIX + now + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        try (Connection connection = maintenance(); Statement statement = connection.createStatement()) {
            dropLeftovers(statement, now);
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database " + name + " on " + HOST + ":" + PORT
                    + " (is PostgreSQL running? scripts/ensure-infra.sh starts it): " + e.getMessage(), e);
        }
        return new TestDatabase(name);
    }

    public String name() {
        return name;
    }

    /** Reactive URL through {@code port} (the server's own port or a proxy in front of it). */
    public String reactiveUrl(int port) {
        return "postgresql://" + HOST + ":" + port + "/" + name;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + name;
    }

    /** A direct connection (not through any proxy), for assertions and for setting up odd states. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    public long queryLong(String sql, Object... args) {
        try (Connection connection = connect(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public int update(String sql, Object... args) {
        try (Connection connection = connect(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try (Connection connection = maintenance(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("Could not drop test database " + name + ": " + e.getMessage());
        }
    }

    private static Connection maintenance() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", USER, PASSWORD);
    }

    private static void dropLeftovers(Statement statement, long now) throws SQLException {
        List<String> old = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "%'")) {
            while (rows.next()) {
                String name = rows.getString(1);
                String[] parts = name.substring(PREFIX.length()).split("_");
                try {
                    if (now - Long.parseLong(parts[0]) > 3600) {
                        old.add(name);
                    }
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            }
        }
        for (String name : old) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
