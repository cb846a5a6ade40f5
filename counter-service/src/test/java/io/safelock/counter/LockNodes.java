package io.safelock.counter;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.safelock.testsupport.RedisNodesTestResource;

/**
 * Every @QuarkusTest of this module runs against five real redis-server lock nodes (Redlock); counter
 * data goes to the Redis on 127.0.0.1:6379 under a key prefix unique to the test run.
 */
@QuarkusTestResource(value = RedisNodesTestResource.class, initArgs = @ResourceArg(name = "count", value = "5"))
public final class LockNodes {

    private LockNodes() {
    }
}
