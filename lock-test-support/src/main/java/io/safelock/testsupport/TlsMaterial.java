package io.safelock.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and server certificates it signs, made at test time with the
 * JDK's own {@code keytool} (nothing to install, no network). Everything lives in one directory:
 * {@code ca.pem} (what clients trust), {@code truststore.p12} (the same CA as PKCS12), and per server
 * a certificate and an unencrypted PKCS#8 key in PEM, as {@code redis-server --tls-*-file} wants them.
 */
public final class TlsMaterial {

    /** Password of every keystore this class writes, including {@link #trustStoreP12()}. */
    public static final String STORE_PASSWORD = "test-store-pw";

    private final Path dir;
    private final RedisServer.Tls server;

    private TlsMaterial(Path dir) {
        this.dir = dir;
        this.server = issueServer("server", "dns:localhost,ip:127.0.0.1");
    }

    /** A new CA in {@code dir} and a server certificate for {@code localhost} and {@code 127.0.0.1}. */
    public static TlsMaterial generate(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=safelock test CA " + dir.getFileName(), "-ext", "bc:c", "-validity", "2",
                "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", STORE_PASSWORD,
                "-file", "ca.pem");
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem",
                "-keystore", "truststore.p12", "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
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
     * Another server certificate signed by this CA, for the given subject alternative names in keytool's
     * syntax (e.g. {@code dns:redis.example}): for tests of host-name verification.
     */
    public RedisServer.Tls issueServer(String name, String subjectAlternativeNames) {
        String store = name + ".p12";
        keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-validity", "2", "-keystore", store, "-storetype", "PKCS12",
                "-storepass", STORE_PASSWORD);
        keytool(dir, "-certreq", "-alias", name, "-keystore", store, "-storepass", STORE_PASSWORD, "-file", name + ".csr");
        keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", STORE_PASSWORD,
                "-infile", name + ".csr", "-outfile", name + ".crt", "-validity", "2",
                "-ext", "SAN=" + subjectAlternativeNames, "-ext", "KU=digitalSignature,keyAgreement", "-ext", "EKU=serverAuth");
        Path key = dir.resolve(name + ".key");
        writePrivateKeyPem(dir.resolve(store), name, key);
        return new RedisServer.Tls(dir.resolve(name + ".crt"), key, caPem());
    }

    /** keytool cannot export a private key; the JDK can read it from the PKCS12 store and PEM-encode it. */
    private static void writePrivateKeyPem(Path store, String alias, Path target) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, STORE_PASSWORD.toCharArray());
            Key key = keyStore.getKey(alias, STORE_PASSWORD.toCharArray());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(target, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not read the key of " + alias + " from " + store, e);
        }
    }

    private static void keytool(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish in 60 s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
