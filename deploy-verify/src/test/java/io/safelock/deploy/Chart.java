package io.safelock.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The chart driven through helm-java (the helm library in-process: no helm CLI, no cluster). */
final class Chart {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    /** The Kubernetes version kind 0.2x runs; helm-java would otherwise assume v1.20. */
    static final String KUBE_VERSION = "1.31.0";

    private Chart() {
    }

    /** helm template with --set pairs (helm parses "3" as a number, "true" as a boolean). */
    static String template(Map<String, String> sets) {
        return template(Project.RELEASE, Project.NAMESPACE, sets);
    }

    static String template(String release, String namespace, Map<String, String> sets) {
        TemplateCommand command = new Helm(Project.chart()).template().withName(release).withNamespace(namespace)
                .withKubeVersion(KUBE_VERSION);
        sets.forEach(command::set);
        return command.call();
    }

    /** helm install --dry-run=client: renders NOTES.txt too, which helm template leaves out. */
    static String notes(Map<String, String> sets) {
        var install = new Helm(Project.chart()).install().withName(Project.RELEASE).withNamespace(Project.NAMESPACE)
                .withKubeVersion(KUBE_VERSION).dryRun().withDryRunOption(com.marcnuri.helm.DryRun.CLIENT).clientOnly();
        sets.forEach(install::set);
        Release release = install.call();
        return release.getOutput();
    }

    /** helm lint --strict of the chart as it is (default values). */
    static LintResult lint() {
        return new Helm(Project.chart()).lint().strict().call();
    }

    /**
     * helm lint --strict with values overridden. helm-java's lint takes no values, so the chart is
     * copied with a values.yaml that merges the overrides (dotted keys) into the defaults.
     */
    static LintResult lint(Map<String, Object> overrides, Path workDir) {
        try {
            Path copy = workDir.resolve("safelock");
            copyTree(Project.chart(), copy);
            @SuppressWarnings("unchecked")
            Map<String, Object> values = YAML.readValue(Project.chart().resolve("values.yaml").toFile(), LinkedHashMap.class);
            overrides.forEach((key, value) -> put(values, key, value));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> values, String dottedKey, Object value) {
        String[] parts = dottedKey.split("\\.");
        Map<String, Object> node = values;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    static List<String> lintProblems(LintResult result) {
        return result.getMessages().stream().filter(m -> !m.startsWith("[INFO]")).toList();
    }
}
