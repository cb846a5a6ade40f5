package io.safelock.lock.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@code rediss://} nodes are trusted ({@code lock.redis.tls.*}); unused for {@code redis://} nodes.
 * Without a trust store the JVM's default trust applies (the JDK's CAs, or {@code -Djavax.net.ssl.trustStore}).
 * The trust store is read once here, so a missing or unreadable file stops start-up instead of failing
 * every lock request later.
 *
 * @param trustStore         CA certificates: PEM (one or more certificates), or a PKCS12 ({@code .p12}, {@code .pfx})
 *                           or JKS ({@code .jks}) store, told apart by the file name's extension
 * @param trustStorePassword password of a PKCS12/JKS trust store, if it has one
 * @param verifyHost         check that the node's certificate names the host in its URI (a name or an IP address)
 */
public record RedisTls(Optional<Path> trustStore, Optional<String> trustStorePassword, boolean verifyHost) {

    /** JVM default trust, host names verified. */
    public static final RedisTls DEFAULT = new RedisTls(Optional.empty(), Optional.empty(), true);

    private static final String PROPERTY = "lock.redis.tls.trust-store";

    /** What the trust store file holds, from its extension. */
    public enum Format { PEM, PKCS12, JKS }

    public RedisTls {
        trustStore = trustStore == null ? Optional.empty() : trustStore;
        trustStorePassword = trustStorePassword == null ? Optional.empty() : trustStorePassword.filter(p -> !p.isEmpty());
        if (trustStore.isPresent()) {
            check(trustStore.get(), trustStorePassword);
        }
    }

    /** Trust exactly the CA certificates in {@code trustStore} (password only for PKCS12/JKS; may be null). */
    public static RedisTls trusting(Path trustStore, String password) {
        return new RedisTls(Optional.of(Objects.requireNonNull(trustStore, "trustStore")), Optional.ofNullable(password), true);
    }

    public RedisTls withVerifyHost(boolean value) {
        return new RedisTls(trustStore, trustStorePassword, value);
    }

    public static Format format(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            return Format.PKCS12;
        }
        return name.endsWith(".jks") ? Format.JKS : Format.PEM;
    }

    private static void check(Path path, Optional<String> password) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(PROPERTY + " '" + path + "' does not exist (mount the CA certificate there,"
                    + " or leave the setting empty to use the JVM's default trust)");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException(PROPERTY + " '" + path + "' is not a readable file");
        }
        Format format = format(path);
        try (InputStream in = Files.newInputStream(path)) {
            if (format == Format.PEM) {
                if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                    throw new IllegalArgumentException(PROPERTY + " '" + path + "' holds no certificate (expected PEM"
                            + " '-----BEGIN CERTIFICATE-----', or a .p12/.pfx/.jks store)");
                }
                return;
            }
            KeyStore store = KeyStore.getInstance(format.name());
            store.load(in, password.map(String::toCharArray).orElse(null));
            if (store.size() == 0) {
                throw new IllegalArgumentException(PROPERTY + " '" + path + "' holds no certificate");
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(PROPERTY + " '" + path + "' holds no certificate that can be read (expected PEM"
                    + " '-----BEGIN CERTIFICATE-----', or a .p12/.pfx/.jks store): " + e.getMessage());
        } catch (IOException e) {
            // KeyStore.load reports a wrong password as an IOException whose cause is UnrecoverableKeyException
            throw new IllegalArgumentException(PROPERTY + " '" + path + "' cannot be read as " + format
                    + " (wrong lock.redis.tls.trust-store-password?): " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(PROPERTY + " '" + path + "' cannot be read as " + format + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "RedisTls[trustStore=" + trustStore.map(Path::toString).orElse("(JVM default)") + ", verifyHost=" + verifyHost + "]";
    }
}
