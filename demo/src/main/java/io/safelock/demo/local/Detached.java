package io.safelock.demo.local;

import io.safelock.testsupport.Processes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a process that outlives the demo command (lock-test-support's {@link Processes#start}, detached: its
 * own session, stdin from /dev/null, output appended to a log) and records it in its pid file, so that a
 * later {@code scripts/demo.sh stop} stops exactly it.
 */
public final class Detached {

    private Detached() {
    }

    public static ProcessRecord start(String name, List<String> command, Map<String, String> env, Path workDir, Path log,
                                      Path pidFile) {
        Process process = Processes.start(name, command, env, workDir, log, true);
        return record(name, process.toHandle(), command, pidFile);
    }

    /** Writes the pid file of a process just started detached. */
    public static ProcessRecord record(String name, ProcessHandle process, List<String> command, Path pidFile) {
        ProcessRecord record = ProcessRecord.of(name, process, command);
        record.write(pidFile);
        return record;
    }
}
