package io.safelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The strict parser itself: it must reject what the API server would reject or silently drop. */
class StrictParsingTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
            spec:
              selector:
                matchLabels: {app: demo}
              template:
                metadata:
                  labels: {app: demo}
                spec:
                  containers:
                    - name: app
                      image: demo:1.0.0
                      %s
            """;

    @Test
    void acceptsAWellFormedDeployment() {
        Manifests m = Manifests.parse(DEPLOYMENT.formatted("ports: [{containerPort: 8080}]"), "well-formed");
        assertThat(m.resources).hasSize(1);
    }

    @Test
    void rejectsAMisspeltFieldDeepInsideAPodTemplate() {
        assertThatThrownBy(() -> Manifests.parse(DEPLOYMENT.formatted("readinesProbe: {httpGet: {path: /q/health/ready, port: 8080}}"), "typo"))
                .hasMessageContaining("Deployment/demo")
                .hasMessageContaining("spec.template.spec.containers[0].[readinesProbe]");
    }

    @Test
    void rejectsAFieldAtTheWrongLevel() {
        assertThatThrownBy(() -> Manifests.parse(DEPLOYMENT.formatted("resources: {requests: {cpu: 1}, memory: 1Gi}"), "misplaced"))
                .hasMessageContaining("resources.[memory]");
    }

    @Test
    void rejectsAnUnknownKind() {
        assertThatThrownBy(() -> Manifests.parse("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n", "unknown kind"))
                .hasMessageContaining("Gadget/g")
                .hasMessageContaining("not a known Kubernetes type");
    }
}
