package io.safelock.lock.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lock.* as application.properties or the environment would give it. */
class LockConfigTest {

    private static LockSettings settings(Map<String, String> properties) {
        // Quarkus's own Duration converter, so "100ms" and "10s" parse as in an application
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(LockConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        return config.getConfigMapping(LockConfig.class).toSettings();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        LockSettings settings = settings(Map.of());
        assertThat(settings.nodes()).extracting(RedisNodeAddress::display).containsExactly("127.0.0.1:6379");
        assertThat(settings.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.waitTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.nodeTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.clockDriftFactor()).isEqualTo(0.01);
        assertThat(settings.keyPrefix()).isEqualTo("lock:");
        assertThat(settings.quorum()).isEqualTo(1);
        assertThat(settings.tls()).isEqualTo(RedisTls.DEFAULT);
        assertThat(settings.tls().verifyHost()).isTrue();
        assertThat(settings.tls().trustStore()).isEmpty(); // the JVM's default trust
    }

    @Test
    void anEmptyTrustStoreSettingMeansTheJvmDefaultTrust() {
        // what a Helm chart or a shell gives for an unset value: LOCK_REDIS_TLS_TRUST_STORE=""
        LockSettings settings = settings(Map.of("lock.redis.nodes", "rediss://10.0.0.1:6380", "lock.redis.tls.trust-store", ""));
        assertThat(settings.nodes().get(0).tls()).isTrue();
        assertThat(settings.tls().trustStore()).isEmpty();
    }

    @Test
    void fiveNodesMeanRedlockWithQuorumThree() {
        LockSettings settings = settings(Map.of("lock.redis.nodes",
                "redis://10.0.0.1:6379,redis://10.0.0.2:6379,redis://10.0.0.3,redis://10.0.0.4:7000,redis://:secret@10.0.0.5:6379",
                "lock.lease-ttl", "30s", "lock.redis.node-timeout", "50ms"));
        assertThat(settings.nodes()).hasSize(5);
        assertThat(settings.quorum()).isEqualTo(3);
        assertThat(settings.nodes().get(2).port()).isEqualTo(6379);
        assertThat(settings.nodes().get(4).display()).isEqualTo("10.0.0.5:6379").doesNotContain("secret");
        assertThat(settings.leaseTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.nodeTimeout()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void anEvenNodeCountOrAMalformedUriFailsWithAClearMessage() {
        assertThatThrownBy(() -> settings(Map.of("lock.redis.nodes", "redis://a:1,redis://b:1")))
                .hasMessageContaining("odd number");
        assertThatThrownBy(() -> settings(Map.of("lock.redis.nodes", "127.0.0.1:6379")))
                .hasMessageContaining("must start with redis://");
    }
}
