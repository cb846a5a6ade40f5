package io.safelock.inventory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The broker the events go to (env: {@code RABBITMQ_HOST}, {@code RABBITMQ_PORT}, {@code RABBITMQ_USERNAME}, …). */
@ConfigMapping(prefix = "rabbitmq")
public interface RabbitConfig {

    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("5672")
    int port();

    @WithDefault("guest")
    String username();

    @WithDefault("guest")
    String password();

    @WithDefault("/")
    String virtualHost();

    /** TCP connect and AMQP handshake timeout. */
    @WithDefault("3s")
    Duration connectionTimeout();

    /** AMQP heartbeat: a broker that stops answering is noticed within about twice this. */
    @WithDefault("10s")
    Duration heartbeat();
}
