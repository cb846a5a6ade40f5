package io.safelock.lock.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.safelock.lock.DistributedLocks;
import io.safelock.lock.Lease;
import io.safelock.lock.LockBusyException;
import io.safelock.lock.LockName;
import io.safelock.lock.QuorumUnavailableException;
import io.safelock.lock.config.LockConfig;
import io.safelock.lock.config.LockSettings;
import io.safelock.testsupport.RedisNodes;
import io.safelock.testsupport.RedisServer;
import io.safelock.testsupport.TlsMaterial;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lock nodes behind TLS ({@code rediss://}): real {@code redis-server} processes with a TLS port only, a CA
 * and certificates made at test time, and the trust settings given as an application would give them
 * ({@code lock.redis.tls.*} through {@link LockConfig}).
 */
class TlsNodesTest {

    /** Bounds "does not hang", not a timing claim: a handshake failure is reported within a few node timeouts. */
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;

    static final Vertx vertx = Vertx.vertx();
    static TlsMaterial ca;
    static TlsMaterial otherCa;
    static RedisNodes nodes;

    @BeforeAll
    static void start() {
        ca = TlsMaterial.generate(tmp.resolve("ca"));
        otherCa = TlsMaterial.generate(tmp.resolve("other-ca"));
        nodes = RedisNodes.startTls(3, ca.server());
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
        vertx.closeAndAwait();
    }

    @BeforeEach
    void heal() {
        nodes.healAll();
    }

    /** lock.* as application.properties would give it, with test-friendly timings. */
    static LockSettings settings(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of(
                "lock.redis.node-timeout", "500ms", "lock.lease-ttl", "5s", "lock.wait-timeout", "10s",
                // the first handshake of a cold JVM on a busy machine may take longer than the 1 s default
                "lock.redis.connect-timeout", "5s"));
        all.putAll(properties);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(LockConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500)).build();
        return config.getConfigMapping(LockConfig.class).toSettings();
    }

    static DistributedLocks locks(Map<String, String> properties) {
        return DistributedLocks.create(vertx, settings(properties), null);
    }

    static Lease tryAcquire(DistributedLocks locks, String id) {
        return locks.tryAcquire(LockName.of("tls", id), Duration.ofSeconds(5)).await().atMost(NO_HANG);
    }

    @Test
    void aLockOnOneTlsNodeIsAcquiredExtendedAndReleased() {
        Map<String, String> config = Map.of("lock.redis.nodes", nodes.node(0).uri(),
                "lock.redis.tls.trust-store", ca.caPem().toString());
        assertThat(nodes.node(0).uri()).startsWith("rediss://"); // the node has no plain-text port at all
        try (DistributedLocks a = locks(config); DistributedLocks b = locks(config)) {
            Lease first = tryAcquire(a, "single");
            assertThat(first.fencingToken()).isPositive();
            assertThatThrownBy(() -> tryAcquire(b, "single")).isInstanceOf(LockBusyException.class);
            Lease extended = first.extend(Duration.ofSeconds(10)).await().atMost(NO_HANG);
            assertThat(extended.remaining()).isGreaterThan(Duration.ofSeconds(5));
            extended.release().await().atMost(NO_HANG);
            Lease second = tryAcquire(b, "single");
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            second.release().await().atMost(NO_HANG);
        }
    }

    @Test
    void redlockOverThreeTlsNodesWithAPkcs12TrustStore() {
        Map<String, String> config = Map.of("lock.redis.nodes", nodes.nodesProperty(),
                "lock.redis.tls.trust-store", ca.trustStoreP12().toString(),
                "lock.redis.tls.trust-store-password", TlsMaterial.STORE_PASSWORD);
        try (DistributedLocks a = locks(config); DistributedLocks b = locks(config)) {
            assertThat(a.quorum()).isEqualTo(2);
            long token = a.blocking().withLock(LockName.of("tls", "redlock"), Duration.ofSeconds(5), Duration.ofSeconds(10), guard -> {
                assertThatThrownBy(() -> tryAcquire(b, "redlock")).isInstanceOf(LockBusyException.class);
                return guard.fencingToken();
            });
            nodes.node(2).kill(); // a minority down: 2 of 3 TLS nodes still grant
            Lease lease = b.blocking().acquire(LockName.of("tls", "redlock"), Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertThat(lease.fencingToken()).isGreaterThan(token);
            Lease extended = b.blocking().extend(lease, Duration.ofSeconds(8));
            assertThat(extended.isValid()).isTrue();
            b.blocking().release(extended);
            Lease again = tryAcquire(a, "redlock");
            assertThat(again.fencingToken()).isGreaterThan(lease.fencingToken());
            again.release().await().atMost(NO_HANG);
        }
    }

    @Test
    void aNodeWhoseCertificateIsNotTrustedIsReportedNotWaitedFor() {
        Map<String, String> config = Map.of("lock.redis.nodes", nodes.nodesProperty(),
                "lock.redis.tls.trust-store", otherCa.caPem().toString());
        try (DistributedLocks locks = locks(config)) {
            assertThatThrownBy(() -> tryAcquire(locks, "untrusted"))
                    .isInstanceOf(QuorumUnavailableException.class)
                    .satisfies(e -> assertThat(((QuorumUnavailableException) e).failedNodes())
                            .hasSize(3)
                            .allSatisfy((node, reason) -> assertThat(reason).startsWith("connection: TLS handshake")
                                    .contains("not signed by a trusted CA").contains("lock.redis.tls.trust-store")));
        }
    }

    @Test
    void withoutATrustStoreTheJvmDefaultTrustIsUsed() throws IOException, InterruptedException {
        // The test CA is not among the JDK's default CAs: no trust store configured means no trust-all either.
        try (DistributedLocks locks = locks(Map.of("lock.redis.nodes", nodes.node(0).uri()))) {
            assertThatThrownBy(() -> tryAcquire(locks, "default-trust"))
                    .isInstanceOf(QuorumUnavailableException.class).hasMessageContaining("not signed by a trusted CA");
        }
        // A JVM whose default trust store holds the CA connects with the same (empty) TLS settings.
        String output = runJvm(List.of("-Djavax.net.ssl.trustStore=" + ca.trustStoreP12(),
                "-Djavax.net.ssl.trustStorePassword=" + TlsMaterial.STORE_PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12"),
                nodes.node(0).uri());
        assertThat(output).contains("fencing-token=");
        System.out.println("JVM default trust, cold JVM: " + output.lines().filter(l -> l.startsWith("fencing-token=")).findFirst().orElseThrow());
    }

    @Test
    void theHostNameIsVerifiedUnlessTurnedOff() {
        RedisServer.Tls elsewhere = ca.issueServer("elsewhere", "DNS:redis.example");
        try (RedisNodes other = RedisNodes.startTls(1, elsewhere)) {
            String uri = other.node(0).uri(); // 127.0.0.1, but the certificate names only redis.example
            try (DistributedLocks verifying = locks(Map.of("lock.redis.nodes", uri,
                    "lock.redis.tls.trust-store", ca.caPem().toString()))) {
                assertThatThrownBy(() -> tryAcquire(verifying, "host"))
                        .isInstanceOf(QuorumUnavailableException.class).hasMessageContaining("TLS handshake")
                        .hasMessageContaining("127.0.0.1 found").hasMessageContaining("lock.redis.tls.verify-host");
            }
            try (DistributedLocks trusting = locks(Map.of("lock.redis.nodes", uri,
                    "lock.redis.tls.trust-store", ca.caPem().toString(), "lock.redis.tls.verify-host", "false"))) {
                tryAcquire(trusting, "host").release().await().atMost(NO_HANG);
            }
        }
    }

    @Test
    void aTrustStoreThatCannotBeReadStopsStartUp() throws IOException {
        String uri = nodes.node(0).uri();
        Path missing = tmp.resolve("no-such-ca.pem");
        assertThatThrownBy(() -> settings(Map.of("lock.redis.nodes", uri, "lock.redis.tls.trust-store", missing.toString())))
                .hasMessageContaining("lock.redis.tls.trust-store").hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
        Path notPem = Files.writeString(tmp.resolve("not-a-cert.pem"), "hello", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> settings(Map.of("lock.redis.nodes", uri, "lock.redis.tls.trust-store", notPem.toString())))
                .hasMessageContaining("lock.redis.tls.trust-store").hasMessageContaining("no certificate");
        assertThatThrownBy(() -> settings(Map.of("lock.redis.nodes", uri,
                "lock.redis.tls.trust-store", ca.trustStoreP12().toString(), "lock.redis.tls.trust-store-password", "wrong")))
                .hasMessageContaining("lock.redis.tls.trust-store").hasMessageContaining("password");
    }

    private static String runJvm(List<String> jvmArgs, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DefaultTrustMain.class.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "default-trust-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("JVM " + process.pid() + " did not finish in 120 s:\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            assertThat(process.exitValue()).as(output).isZero();
            return output;
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
