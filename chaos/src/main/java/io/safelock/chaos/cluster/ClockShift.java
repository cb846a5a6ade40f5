package io.safelock.chaos.cluster;

import io.safelock.demo.local.LockNodes;
import io.safelock.demo.local.Ports;
import io.safelock.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Moves a lock node's wall clock while it runs: {@code chaos/src/main/c/clockshift.c}, built here with the
 * system C compiler and preloaded into redis-server, adds an offset that the suite writes into a small
 * file the library maps shared. Redis expires keys by that clock ({@code SET ... PX}, {@code PTTL},
 * {@code TIME}), so a jump forward past a lease's TTL makes the node drop the lease's key at once.
 *
 * <p>libfaketime is not used: Debian's 0.9.10 never starts the jemalloc-linked redis-server 7.0
 * ("Unexpected recursive calls to clock_gettime()": its dlsym() of an absent symbol mallocs, jemalloc's
 * initialisation reads the clock, libfaketime is re-entered before it is initialised; libfaketime issues
 * #130/#327/#478), with or without FAKETIME_DONT_FAKE_MONOTONIC, FAKETIME_NO_CACHE, MALLOC_CONF decay
 * settings, libfaketimeMT or libjemalloc preloaded first.
 */
public final class ClockShift {

    private final Path library;

    private ClockShift(Path library) {
        this.library = library;
    }

    /** The outcome of {@link #prepare}: the library, or why clock jumps cannot run here. */
    public record Availability(ClockShift clock, String unavailableReason) {
    }

    /** Builds the library into {@code dir} and checks that a redis-server under it starts and follows a jump. */
    public static Availability prepare(Path root, Path dir) {
        Path source = root.resolve("chaos/src/main/c/clockshift.c");
        if (!Files.exists(source)) {
            return new Availability(null, source + " not found");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path library = dir.resolve("clockshift.so");
        Shell.Result built = Shell.attempt(List.of("cc", "-shared", "-fPIC", "-O2", "-Wall", "-o", library.toString(), source.toString(), "-ldl"));
        if (built.exit() != 0) {
            return new Availability(null, "cannot build " + source.getFileName() + " (scripts/ensure-infra.sh clock installs gcc): " + built.output());
        }
        ClockShift clock = new ClockShift(library);
        String problem = clock.probe(dir.resolve("probe-offset"));
        return problem == null ? new Availability(clock, null) : new Availability(null, problem);
    }

    /** The environment that puts a process's wall clock under {@code offsetFile}. */
    public Map<String, String> environment(Path offsetFile) {
        return Map.of("LD_PRELOAD", library.toString(), "SAFELOCK_CLOCK_OFFSET_FILE", offsetFile.toString());
    }

    /** Creates an offset file at zero. */
    public static void reset(Path offsetFile) {
        write(offsetFile, Duration.ZERO);
    }

    /** Sets the clock offset of every process started with {@code offsetFile}; takes effect at its next clock read. */
    public static void write(Path offsetFile, Duration offset) {
        try (FileChannel channel = FileChannel.open(offsetFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES);
            map.order(ByteOrder.LITTLE_ENDIAN).putLong(0, offset.toNanos() / 1_000); // one aligned 8-byte store
            map.force();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when a redis-server under the library answers and its TIME follows a jump written while it runs. */
    private String probe(Path offsetFile) {
        reset(offsetFile);
        int port = FreePorts.one();
        ProcessBuilder builder = new ProcessBuilder(LockNodes.redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment(offsetFile));
        Process probe;
        try {
            probe = builder.start();
        } catch (IOException e) {
            return "cannot start redis-server: " + e.getMessage();
        }
        try {
            boolean up = false;
            for (int i = 0; i < 50 && !up; i++) {
                up = Ports.answersPing("127.0.0.1", port);
                if (!up) {
                    Shell.sleep(100);
                }
            }
            if (!up) {
                return "redis-server does not start with " + library.getFileName() + " preloaded";
            }
            write(offsetFile, Duration.ofHours(1));
            long nodeSeconds = Long.parseLong((String) Resp.command("127.0.0.1", port, 1_000, "EVAL", "return redis.call('TIME')[1]", "0")
                    .toString());
            long ahead = nodeSeconds - System.currentTimeMillis() / 1_000;
            return ahead >= 3_590 && ahead <= 3_610 ? null : "redis-server's clock did not follow a jump of 3600 s (ahead by " + ahead + " s)";
        } catch (IOException | RuntimeException e) {
            return "probe failed: " + e.getMessage();
        } finally {
            probe.destroyForcibly();
            try {
                probe.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
