package io.safelock.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the seed's own clients from {@code seed-clients/}: node scripts (after {@code npm ci} when their
 * dependencies are not installed yet) and the curl script. A machine without node or curl skips, saying so.
 */
final class SeedClients {

    record Run(int exitCode, String output) {
    }

    private final Path dir;
    private final String node;

    private SeedClients(Path dir, String node) {
        this.dir = dir;
        this.node = node;
    }

    static SeedClients prepare(Path dir) throws Exception {
        String node = onPath("node");
        skipIf(node == null, "node is not installed: the seed-clients scripts are not run here"
                + " (the Java clients of the same scenario above always run). Debian/Ubuntu: apt-get install -y nodejs npm");
        if (!Files.isDirectory(dir.resolve("node_modules/axios"))) {
            String npm = onPath("npm");
            skipIf(npm == null, "npm is not installed, so the seed clients' axios cannot be installed; skipping them");
            Run install = run(List.of(npm, "ci", "--no-audit", "--no-fund"), dir, null, null, 180);
            skipIf(install.exitCode() != 0, "npm ci failed (no access to the npm registry?), skipping the seed clients:\n" + install.output());
        }
        return new SeedClients(dir, node);
    }

    Run node(String script, String baseUrl, String adminToken) throws Exception {
        return run(List.of(node, script), dir, baseUrl, adminToken, 60);
    }

    static Run shell(Path script, String baseUrl) throws Exception {
        skipIf(onPath("curl") == null, "curl is not installed: " + script.getFileName() + " is not run here");
        return run(List.of("bash", script.toString()), script.getParent(), baseUrl, null, 60);
    }

    private static Run run(List<String> command, Path dir, String baseUrl, String adminToken, int timeoutSeconds) throws Exception {
        Path output = Files.createTempFile("seed-client-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            if (baseUrl != null) {
                builder.environment().put("BASE_URL", baseUrl);
            }
            if (adminToken != null) {
                builder.environment().put("ADMIN_TOKEN", adminToken);
            }
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n" + read(output));
            }
            String text = read(output);
            System.out.println("[it] " + String.join(" ", command) + (baseUrl == null ? "" : " (BASE_URL=" + baseUrl + ")")
                    + " -> exit " + process.exitValue() + "\n" + text);
            return new Run(process.exitValue(), text);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void skipIf(boolean condition, String why) {
        if (condition) {
            System.out.println("[it] SKIPPED: " + why);
        }
        Assumptions.assumeFalse(condition, why);
    }

    private static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        return null;
    }
}
