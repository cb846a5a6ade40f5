package io.safelock.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and server certificates it signs, made at test time with the
 * {@code openssl} command (EC P-256, valid for two days). Everything lives in one directory: {@code ca.pem}
 * (what clients trust), {@code truststore.p12} (the same CA as a PKCS12 store), and per server a
 * certificate and an unencrypted key in PEM, as {@code redis-server --tls-*-file} wants them.
 */
public final class TlsMaterial {

    /** Password of {@link #trustStoreP12()}. */
    public static final String STORE_PASSWORD = "test-store-pw";

    private final Path dir;
    private final RedisServer.Tls server;

    private TlsMaterial(Path dir) {
        this.dir = dir;
        this.server = issueServer("server", "DNS:localhost,IP:127.0.0.1");
    }

    /** A new CA in {@code dir} and a server certificate for {@code localhost} and {@code 127.0.0.1}. */
    public static TlsMaterial generate(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=safelock test CA " + dir.getFileName(),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        writeTrustStore(dir.resolve("ca.pem"), dir.resolve("truststore.p12"));
        return new TlsMaterial(dir);
    }

    /** The CA certificate in PEM: a client's trust store. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The CA certificate in a PKCS12 store protected by {@link #STORE_PASSWORD}. */
    public Path trustStoreP12() {
        return dir.resolve("truststore.p12");
    }

    /** Certificate and key for {@code localhost}/{@code 127.0.0.1}, signed by this CA. */
    public RedisServer.Tls server() {
        return server;
    }

    /**
     * Another server certificate signed by this CA, for the given subject alternative names in openssl's
     * syntax (e.g. {@code DNS:redis.example}): for tests of host-name verification.
     */
    public RedisServer.Tls issueServer(String name, String subjectAlternativeNames) {
        openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        try {
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + subjectAlternativeNames + "\n"
                    + "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-set_serial", Long.toString(System.nanoTime() & Long.MAX_VALUE), "-days", "2",
                "-extfile", name + ".ext", "-out", name + ".crt");
        return new RedisServer.Tls(dir.resolve(name + ".crt"), dir.resolve(name + ".key"), caPem());
    }

    /** A PKCS12 store with the CA as a trusted entry, as the JDK writes it (openssl 3.0 cannot mark entries trusted for Java). */
    private static void writeTrustStore(Path caPem, Path target) {
        try (InputStream in = Files.newInputStream(caPem); OutputStream out = Files.newOutputStream(target)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            store.store(out, STORE_PASSWORD.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not write " + target, e);
        }
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl did not finish in 60 s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("openssl failed (" + process.exitValue() + "): " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }

    private static String binary() {
        String searchPath = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/local/bin";
        for (String dir : searchPath.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "openssl");
            if (!dir.isBlank() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("""
                openssl not found. The TLS tests make their certificates with it.
                Install it (Debian/Ubuntu: sudo apt-get install -y openssl) or run ./scripts/test.sh,
                which installs it when run as root.""");
    }
}
