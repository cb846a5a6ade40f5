package io.safelock.demo.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a process that outlives the demo command: its own session ({@code setsid}, so a Ctrl-C in the
 * terminal or the terminal closing does not reach it), stdin from /dev/null, output appended to a log.
 * setsid execs in place (the caller is never a process group leader), so the PID is the server's own.
 */
public final class Detached {

    private Detached() {
    }

    public static ProcessRecord start(String name, List<String> command, Map<String, String> env, Path workDir, Path log,
                                      Path pidFile) {
        List<String> full = new ArrayList<>();
        full.add("setsid");
        full.addAll(command);
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            ProcessRecord record = ProcessRecord.of(name, process.toHandle(), command);
            record.write(pidFile);
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", full), e);
        }
    }

    /** The last {@code lines} lines of a log, for failure messages. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + log + ")";
        }
    }
}
