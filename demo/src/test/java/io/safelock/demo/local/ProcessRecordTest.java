package io.safelock.demo.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRecordTest {

    @TempDir
    Path dir;

    @Test
    void aPidFileKeepsPidStartTimeAndCommand() {
        ProcessRecord written = ProcessRecord.of("redis-7001", ProcessHandle.current(), List.of("redis-server", "--port", "7001"));
        Path file = dir.resolve("pids/redis-7001.pid");

        written.write(file);

        assertThat(ProcessRecord.read(file)).contains(written);
        assertThat(ProcessRecord.read(file).orElseThrow().isRunning()).isTrue();
    }

    @Test
    void thePidAloneIsOnTheFirstLineForKillByHand() throws Exception {
        ProcessRecord.of("x", ProcessHandle.current(), List.of("x")).write(dir.resolve("x.pid"));

        assertThat(Files.readAllLines(dir.resolve("x.pid")).get(0)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }

    @Test
    void aPidNowUsedByAnotherProcessIsNeverSignalled() {
        long started = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        // Same PID, other start time: what a recycled PID looks like. This test's own JVM must survive the stop.
        ProcessRecord stale = new ProcessRecord("inventory-3000", ProcessHandle.current().pid(), started - 3_600_000, "java -jar");

        assertThat(stale.isRunning()).isFalse();
        assertThat(stale.stop(Duration.ofSeconds(1))).isFalse();
        assertThat(stale.kill()).isFalse();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void aMissingOrGarbledPidFileIsNoRecord() throws Exception {
        assertThat(ProcessRecord.read(dir.resolve("none.pid"))).isEmpty();
        Files.writeString(dir.resolve("bad.pid"), "not a pid\n");
        assertThat(ProcessRecord.read(dir.resolve("bad.pid"))).isEmpty();
    }

    @Test
    void stopEndsARealChildProcess() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        ProcessRecord record = ProcessRecord.of("sleeper", sleeper.toHandle(), List.of("sleep", "60"));

        assertThat(record.stop(Duration.ofSeconds(5))).isTrue();

        assertThat(sleeper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(record.isRunning()).isFalse();
    }
}
