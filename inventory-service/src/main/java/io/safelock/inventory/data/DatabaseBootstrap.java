package io.safelock.inventory.data;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.safelock.inventory.config.InventoryConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * At start-up, before anything else touches the database: create it if missing, apply the versioned
 * migrations (Flyway; concurrent replicas serialize on its lock), insert the sample products into an
 * empty catalogue. Readiness stays down until this is done.
 */
@ApplicationScoped
public class DatabaseBootstrap {

    private static final Logger LOG = Logger.getLogger(DatabaseBootstrap.class);
    private static final Pattern JDBC_URL = Pattern.compile("^jdbc:postgresql://([^/?]+)/([^?]+)(\\?.*)?$");
    private static final String DUPLICATE_DATABASE = "42P04";

    private final Flyway flyway;
    private final AgroalDataSource dataSource;
    private final InventoryConfig config;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private volatile String schemaVersion;

    DatabaseBootstrap(Flyway flyway, AgroalDataSource dataSource, InventoryConfig config,
                      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                      @ConfigProperty(name = "quarkus.datasource.username") String username,
                      @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.flyway = flyway;
        this.dataSource = dataSource;
        this.config = config;
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    /** The applied schema version once start-up is done, else null. */
    public String schemaVersion() {
        return schemaVersion;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (config.database().createIfMissing()) {
            createDatabaseIfMissing();
        }
        var result = flyway.migrate();
        String version = flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
        LOG.infof("Database schema at version %s (%d migration(s) applied now)", version, result.migrationsExecuted);
        if (config.sampleData().enabled()) {
            insertSampleProducts(config.sampleData().products());
        }
        schemaVersion = version;
    }

    private void createDatabaseIfMissing() {
        Matcher url = JDBC_URL.matcher(jdbcUrl);
        if (!url.matches()) {
            LOG.warnf("Not creating the database: cannot read its name from %s", jdbcUrl);
            return;
        }
        String database = url.group(2);
        String maintenance = "jdbc:postgresql://" + url.group(1) + "/" + config.database().maintenanceDatabase()
                + (url.group(3) == null ? "" : url.group(3));
        try (Connection connection = DriverManager.getConnection(maintenance, username, password);
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
                LOG.infof("Created database %s", database);
            }
        } catch (SQLException e) {
            if (!DUPLICATE_DATABASE.equals(e.getSQLState())) { // another replica created it first
                LOG.warnf("Could not check or create database %s (%s); migrating anyway", database, e.getMessage());
            }
        }
    }

    private void insertSampleProducts(List<InventoryConfig.SampleData.SampleProduct> samples) {
        if (samples.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                // replicas starting together: one inserts, the others then see a non-empty table
                statement.execute("LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE");
                try (ResultSet rows = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM products)")) {
                    rows.next();
                    if (rows.getBoolean(1)) {
                        connection.rollback();
                        return;
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO products (id, name, stock, price) VALUES (?, ?, ?, ?)")) {
                    for (int i = 0; i < samples.size(); i++) {
                        var sample = samples.get(i);
                        insert.setLong(1, i + 1);
                        insert.setString(2, sample.name());
                        insert.setInt(3, sample.stock());
                        insert.setBigDecimal(4, sample.price());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                statement.execute("SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT max(id) FROM products))");
            }
            connection.commit();
            LOG.infof("Inserted %d sample products", samples.size());
        } catch (SQLException e) {
            throw new IllegalStateException("Could not insert the sample products: " + e.getMessage(), e);
        }
    }
}
