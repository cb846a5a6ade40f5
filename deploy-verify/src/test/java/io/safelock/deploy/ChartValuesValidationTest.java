package io.safelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad values stop helm template (and so helm install) with a message that names the key and says
 * what is wrong: values.schema.json for shapes and ranges, the templates for rules across keys.
 */
class ChartValuesValidationTest {

    record Invalid(String what, Map<String, String> sets, List<String> messageParts) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static Invalid invalid(String what, String key, String value, String... messageParts) {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put(key, value);
        return new Invalid(what, sets, List.of(messageParts));
    }

    static Stream<Invalid> invalidValues() {
        return Stream.of(
                invalid("even Redis node count", "redis.nodes", "4", "/redis/nodes", "3, 5, 7"),
                invalid("single Redis node", "redis.nodes", "1", "/redis/nodes", "3, 5, 7"),
                invalid("negative inventory replicas", "inventory.replicaCount", "-1", "/inventory/replicaCount", "minimum"),
                invalid("negative counter replicas", "counter.replicaCount", "-2", "/counter/replicaCount", "minimum"),
                invalid("non-numeric replicas", "inventory.replicaCount", "two", "/inventory/replicaCount", "integer"),
                invalid("latest image tag", "counter.image.tag", "latest", "counter.image.tag", "\"latest\" is not allowed"),
                invalid("malformed image tag", "inventory.image.tag", "1.0.0 beta", "/inventory/image/tag", "pattern"),
                invalid("unknown pull policy", "inventory.image.pullPolicy", "Sometimes", "/inventory/image/pullPolicy",
                        "IfNotPresent"),
                invalid("privileged container port", "inventory.port", "80", "/inventory/port", "minimum"),
                invalid("unknown monitoring mode", "monitoring.mode", "datadog", "/monitoring/mode", "builtin"),
                invalid("misspelt top-level key", "inventroy.replicaCount", "3", "inventroy", "additional"),
                invalid("misspelt nested key", "redis.node", "5", "node", "additional"),
                invalid("lease TTL that is not a duration", "locks.leaseTtl", "ten seconds", "/locks/leaseTtl", "pattern"),
                invalid("PVC size without unit", "redis.persistence.size", "5", "/redis/persistence/size"),
                invalid("external PostgreSQL without host", "postgresql.enabled", "false",
                        "postgresql.external.host is required"),
                invalid("external RabbitMQ without host", "rabbitmq.enabled", "false",
                        "rabbitmq.external.host is required"),
                invalid("external counter Redis without URI", "counterRedis.enabled", "false",
                        "counterRedis.external.hosts is required"),
                invalid("Redis password empty without existing Secret", "redis.auth.password", "",
                        "redis.auth.password is required"),
                invalid("admin token empty without existing Secret", "admin.token", "", "admin.token is required"),
                invalid("admin token shorter than 16 characters", "admin.token", "short-token", "/admin/token"));
    }

    @ParameterizedTest(name = "refused: {0}")
    @MethodSource("invalidValues")
    void invalidValuesFailWithAClearMessage(Invalid invalid) {
        Throwable failure = catchThrowable(() -> Chart.template(invalid.sets()));
        assertThat(failure).as(invalid.what() + " should be refused").isNotNull();
        String message = failure.getMessage();
        for (String part : invalid.messageParts()) {
            assertThat(message).as("message for " + invalid.what()).containsIgnoringCase(part);
        }
    }
}
