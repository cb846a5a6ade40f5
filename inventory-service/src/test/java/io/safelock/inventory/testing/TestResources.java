package io.safelock.inventory.testing;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.safelock.testsupport.RedisNodesTestResource;

/**
 * Declares, once for every {@code @QuarkusTest} of this module, the real servers they run against:
 * five Redis nodes (Redlock), a fresh PostgreSQL database and RabbitMQ.
 */
@QuarkusTestResource(value = RedisNodesTestResource.class, initArgs = @ResourceArg(name = "count", value = "5"))
@QuarkusTestResource(InventoryTestResource.class)
public final class TestResources {

    private TestResources() {
    }
}
