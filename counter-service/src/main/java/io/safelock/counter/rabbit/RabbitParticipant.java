package io.safelock.counter.rabbit;

import com.rabbitmq.client.Connection;
import java.io.IOException;

/**
 * Something that uses the broker: it declares what it needs and starts consuming or publishing each time
 * a connection is (re-)established, because nothing of the old connection's channels survives.
 */
public interface RabbitParticipant {

    /** Runs on the connector thread; may block. Failing here drops the connection and retries later. */
    void connected(Connection connection) throws IOException;

    /** The connection is gone; channels from it are dead. */
    default void disconnected() {
    }

    /** Lower runs first: queues are declared before the publisher flushes what it kept during an outage. */
    default int order() {
        return 0;
    }
}
