package io.safelock.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * What the test creates on the machine's shared PostgreSQL and RabbitMQ: a database (the service creates it
 * at start-up) and an event exchange (the service declares it), both named for this run and dropped after.
 */
record SharedServers(String database, String exchange) {

    void dropQuietly() {
        try (java.sql.Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "postgres");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (Exception e) {
            System.err.println("could not drop database " + database + ": " + e.getMessage());
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(3000);
        try (Connection connection = factory.newConnection("demo-it-cleanup"); Channel channel = connection.createChannel()) {
            channel.exchangeDelete(exchange);
        } catch (Exception e) {
            System.err.println("could not delete exchange " + exchange + ": " + e.getMessage());
        }
    }
}
