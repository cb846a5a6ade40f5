package io.safelock.chaos.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short administrative commands ({@code ip}, {@code tc}, {@code kill}) and fails loudly when they fail. */
public final class Shell {

    private Shell() {
    }

    public static String run(List<String> command) {
        Result result = attempt(command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + result.exit() + "): " + result.output());
        }
        return result.output();
    }

    public record Result(int exit, String output) {
    }

    public static Result attempt(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Sends a signal to a whole process group (a server started in its own session, group id = its PID). */
    public static void signalGroup(long pgid, String signal) {
        attempt(List.of("kill", "-" + signal, "--", "-" + pgid));
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
