package io.safelock.counter.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The default of {@code counter.replica-name}: the host name (the pod name in Kubernetes). A config source
 * rather than a fallback in code, because the messaging configuration names this replica's notification
 * queue after it ({@code ${counter.replica-name}} in application.properties). Its ordinal is below every
 * other source, so a property, {@code COUNTER_REPLICA_NAME} or application.properties wins.
 */
public class ReplicaNameDefault implements ConfigSource {

    private static final String KEY = "counter.replica-name";

    private final String hostName = hostName();

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, hostName);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? hostName : null;
    }

    @Override
    public String getName() {
        return "counter replica name default (host name)";
    }

    @Override
    public int getOrdinal() {
        return 1;
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "replica-" + ProcessHandle.current().pid();
        }
    }
}
