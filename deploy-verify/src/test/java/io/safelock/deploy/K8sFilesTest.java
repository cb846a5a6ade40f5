package io.safelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The kind configuration and the k8s/ scripts: well-formed and consistent with the chart. */
class K8sFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void kindConfigDescribesAMultiNodeCluster() throws Exception {
        JsonNode config = YAML.readTree(Project.root().resolve("k8s/kind-config.yaml").toFile());
        assertThat(config.path("kind").asText()).isEqualTo("Cluster");
        assertThat(config.path("apiVersion").asText()).isEqualTo("kind.x-k8s.io/v1alpha4");
        assertThat(config.path("name").asText()).isEqualTo("safelock");
        List<String> roles = new java.util.ArrayList<>();
        config.path("nodes").forEach(n -> roles.add(n.path("role").asText()));
        assertThat(roles).contains("control-plane", "worker").allMatch(r -> r.equals("control-plane") || r.equals("worker"));
    }

    @ParameterizedTest(name = "bash -n k8s/{0}")
    @ValueSource(strings = {"up.sh", "down.sh", "render-manifests.sh"})
    void scriptsAreExecutableAndParse(String script) throws Exception {
        Path file = Project.root().resolve("k8s").resolve(script);
        assertThat(Files.isExecutable(file)).as(file + " is executable").isTrue();
        Process bash = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as("bash -n " + script + ": " + out).isZero();
    }

    @Test
    void upScriptBuildsAndLoadsTheImagesTheChartDeploys() throws Exception {
        String up = Project.read(Project.root().resolve("k8s/up.sh"));
        JsonNode values = YAML.readTree(Project.chart().resolve("values.yaml").toFile());
        for (String key : List.of("inventory", "counter")) {
            JsonNode image = values.path(key).path("image");
            assertThat(image.path("repository").asText()).isEqualTo("safelock/" + key + "-service");
            assertThat(image.path("pullPolicy").asText()).as("kind-loaded images need IfNotPresent").isEqualTo("IfNotPresent");
            assertThat(up).contains("VERSION=" + image.path("tag").asText());
        }
        assertThat(up).contains("SERVICES=(inventory-service counter-service)",
                "docker build -f \"$service/src/main/docker/Dockerfile.jvm\"", "docker build -f \"$service/src/main/docker/Dockerfile.native\"",
                "-t \"safelock/$service:$VERSION\"", "kind load docker-image", "helm upgrade --install", "--wait",
                "kind create cluster", "./mvnw");
    }
}
