package io.safelock.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starting a server process, signalling it by PID and reading the end of its log: the one way the tests,
 * the demo, the load benchmark and the fault suite do it.
 */
public final class Processes {

    private Processes() {
    }

    /**
     * Starts {@code command} with its output (stdout and stderr) appended to {@code log}.
     *
     * @param env      added to this process's environment
     * @param workDir  the working directory, or null for this process's
     * @param detached in a session of its own ({@code setsid}): a Ctrl-C in the terminal, or the terminal
     *                 closing, does not reach it, and stdin is /dev/null, so it outlives the caller. setsid
     *                 execs in place (the caller is never a process group leader), so the PID is the server's own
     */
    public static Process start(String name, List<String> command, Map<String, String> env, Path workDir, Path log, boolean detached) {
        List<String> full = new ArrayList<>();
        if (detached) {
            full.add("setsid");
        }
        full.addAll(command);
        try {
            if (log.getParent() != null) {
                Files.createDirectories(log.getParent());
            }
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (workDir != null) {
                builder.directory(workDir.toFile());
            }
            if (detached) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", full), e);
        }
    }

    /** {@code kill -<signal> <pid>} (STOP, CONT, KILL, …); fails unless kill exits 0. */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " did not return");
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + new String(kill.getInputStream().readAllBytes()).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + pid, e);
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
