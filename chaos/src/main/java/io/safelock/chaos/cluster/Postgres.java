package io.safelock.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The suite's own PostgreSQL cluster (initdb in the run directory, its own port, trust authentication),
 * so that it can be crashed and restarted without touching the shared server on 5432. Listens on loopback
 * and, with namespaces, on the bridge address for the replicas.
 */
public final class Postgres {

    private final Managed process;
    private final int port;

    private Postgres(Managed process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Postgres create(Path runDir, int port, List<String> listenAddresses) {
        Path dir = runDir.resolve("postgres");
        Path initdb = binary("initdb");
        boolean root = "0".equals(Shell.attempt(List.of("id", "-u")).output());
        try {
            Files.createDirectories(dir);
            // the postgres user must reach its directory inside the run directory (a private temp dir)
            Files.setPosixFilePermissions(runDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> asOwner = new ArrayList<>();
        if (root) {
            // PostgreSQL refuses to run as root: its files and processes belong to the postgres user
            Shell.run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            asOwner.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        List<String> init = new ArrayList<>(asOwner);
        init.addAll(List.of(initdb.toString(), "-D", dir.resolve("data").toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--no-sync"));
        Shell.run(init);
        try {
            // trust for the suite's bridge subnet too: the replicas connect from their namespaces
            Files.writeString(dir.resolve("data/pg_hba.conf"), "host all all 10.213.77.0/24 trust\n",
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(asOwner);
        command.addAll(List.of(binary("postgres").toString(), "-D", dir.resolve("data").toString(), "-p", Integer.toString(port),
                "-k", dir.toString(), "-c", "listen_addresses=" + String.join(",", listenAddresses),
                // the machine does not crash, only the server: the page cache keeps what fsync would
                "-c", "fsync=off", "-c", "max_connections=200"));
        Managed process = new Managed("postgres-" + port, Host.loopback("postgres"), command, Map.of(), dir, runDir,
                () -> Shell.attempt(List.of("pg_isready", "-q", "-h", "127.0.0.1", "-p", Integer.toString(port))).exit() == 0,
                Duration.ofSeconds(60));
        return new Postgres(process, port);
    }

    public Managed process() {
        return process;
    }

    public int port() {
        return port;
    }

    /** initdb and postgres: on the PATH, or in the newest /usr/lib/postgresql/N/bin (Debian). */
    static Path binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin").resolve(name)).filter(Files::isExecutable)
                    .max(java.util.Comparator.comparing(Path::toString))
                    .orElseThrow(() -> new IllegalStateException(name + " not found: run scripts/ensure-infra.sh postgres"));
        } catch (IOException e) {
            throw new IllegalStateException(name + " not found: run scripts/ensure-infra.sh postgres", e);
        }
    }
}
