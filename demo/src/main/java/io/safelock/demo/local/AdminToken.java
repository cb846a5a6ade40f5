package io.safelock.demo.local;

import io.safelock.demo.DemoPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin token of a demo run: made up once (32 random bytes, hex) and kept in {@code .demo/admin-token}
 * (readable by the owner only), given to every replica as {@code ADMIN_TOKEN}, sent by the story on the
 * admin routes (resets, race experiments) and read by the seed clients.
 */
public final class AdminToken {

    private AdminToken() {
    }

    public static Path file(DemoPlan plan) {
        return plan.runDir().resolve("admin-token");
    }

    /** The run's token, made on first use. */
    public static synchronized String of(DemoPlan plan) {
        Path file = file(plan);
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            Files.writeString(file, token + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the file system has no owner-only mode; the token still works
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the admin token in " + file, e);
        }
    }
}
