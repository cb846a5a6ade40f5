package io.safelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * k8s/manifests/safelock.yaml is the chart rendered with default values, for users without Helm.
 * It must stay byte-for-byte what the chart renders; k8s/render-manifests.sh rewrites it
 * (this test with -Dsafelock.updateManifests=true).
 */
class PlainManifestsTest {

    static final String HEADER = """
            # Plain Kubernetes manifests for users without Helm: the chart helm/safelock rendered with its
            # default values as release "safelock" in namespace "safelock". Generated, do not edit:
            # run k8s/render-manifests.sh after changing the chart (a test fails while they differ).
            #   kubectl apply -f k8s/manifests/namespace.yaml
            #   kubectl apply -f k8s/manifests/safelock.yaml
            """;

    @Test
    void plainManifestsAreTheChartRenderedWithDefaultValues() throws IOException {
        String expected = HEADER + Chart.template(Map.of());
        if (Boolean.getBoolean("safelock.updateManifests")) {
            Files.createDirectories(Project.plainManifests().getParent());
            Files.writeString(Project.plainManifests(), expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(Project.plainManifests()))
                .as(Project.plainManifests() + " is missing; generate it with k8s/render-manifests.sh").isTrue();
        String actual = Project.read(Project.plainManifests());
        assertThat(actual)
                .as("k8s/manifests/safelock.yaml differs from the chart's output; run k8s/render-manifests.sh")
                .isEqualTo(expected);
    }

    @Test
    void plainManifestsAreValidAndPassTheStructuralChecks() {
        Manifests m = Manifests.parse(Project.read(Project.plainManifests()), "k8s/manifests/safelock.yaml");
        ManifestChecks.verify(m, ManifestChecks.Expect.defaults());
    }

    @Test
    void namespaceManifestCreatesTheNamespaceThePlainManifestsUse() {
        Manifests m = Manifests.parse(Project.read(Project.root().resolve("k8s/manifests/namespace.yaml")),
                "k8s/manifests/namespace.yaml");
        assertThat(m.all(Namespace.class)).singleElement()
                .satisfies(ns -> assertThat(ns.getMetadata().getName()).isEqualTo(Project.NAMESPACE));
    }
}
