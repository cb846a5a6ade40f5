package io.safelock.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code redis-server}: {@code REDIS_SERVER} env var, then the PATH, then the usual places. */
final class RedisBinary {

    private static volatile String path;

    private RedisBinary() {
    }

    static String path() {
        String found = path;
        if (found == null) {
            found = locate();
            path = found;
        }
        return found;
    }

    private static String locate() {
        String explicit = System.getenv("REDIS_SERVER");
        if (explicit != null && Files.isExecutable(Path.of(explicit))) {
            return explicit;
        }
        String searchPath = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/local/bin:/usr/sbin";
        for (String dir : searchPath.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (!dir.isBlank() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("""
                redis-server not found. These tests start real Redis processes.
                Install it (Debian/Ubuntu: sudo apt-get install -y redis-server) or run ./scripts/test.sh,
                which installs it when run as root, or point REDIS_SERVER at the binary.""");
    }
}
