package io.safelock.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locations in the repository; the build passes the root as safelock.root. */
final class Project {

    static final String RELEASE = "safelock";
    static final String NAMESPACE = "safelock";

    private Project() {
    }

    static Path root() {
        String configured = System.getProperty("safelock.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    static Path chart() {
        return root().resolve("helm/safelock");
    }

    static Path alertRules() {
        return chart().resolve("rules/lock-alerts.yaml");
    }

    static Path alertRuleTests() {
        return chart().resolve("rules/tests/lock-alerts.test.yaml");
    }

    static Path dashboard() {
        return chart().resolve("dashboards/lock-contention.json");
    }

    static Path plainManifests() {
        return root().resolve("k8s/manifests/safelock.yaml");
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
