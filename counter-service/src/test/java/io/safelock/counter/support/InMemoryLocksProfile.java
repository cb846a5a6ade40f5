package io.safelock.counter.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.Set;

/**
 * The service with {@link InMemoryLocksProducer}'s in-memory locks and no lock node at all: the five
 * redis-server lock nodes of the other tests ({@code LockNodes}, a global test resource) are not started, and
 * {@code lock.redis.nodes} points where nothing listens, so a locked update can only have gone through the fake.
 * Counter data still goes to the Redis on 127.0.0.1:6379, as in every test.
 */
public class InMemoryLocksProfile implements QuarkusTestProfile {

    /** Port 1: nothing listens there (a server would need root to bind it), so every connection is refused. */
    public static final String NO_LOCK_NODE = "redis://127.0.0.1:1";

    /** Short, so a test of a busy lock waits a moment, not lock.wait-timeout's 5 s. */
    public static final int WAIT_TIMEOUT_MS = 300;

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(InMemoryLocksProducer.class);
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "lock.redis.nodes", NO_LOCK_NODE,
                "lock.wait-timeout", WAIT_TIMEOUT_MS + "ms");
    }
}
