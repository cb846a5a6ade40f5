package io.safelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** helm lint --strict and helm template for each supported configuration, parsed strictly and checked. */
class ChartRenderTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    record Scenario(String name, String release, String namespace, Map<String, Object> values,
                    ManifestChecks.Expect expect) {
        @Override
        public String toString() {
            return name;
        }

        Map<String, String> sets() {
            Map<String, String> sets = new LinkedHashMap<>();
            values.forEach((k, v) -> sets.put(k, String.valueOf(v)));
            return sets;
        }
    }

    private static Map<String, Object> values(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static Stream<Scenario> scenarios() {
        var d = ManifestChecks.Expect.defaults();
        return Stream.of(
                new Scenario("default values", "safelock", "safelock", values(), d),
                new Scenario("scaled replicas (inventory 5, counter 4)", "safelock", "safelock",
                        values("inventory.replicaCount", 5, "counter.replicaCount", 4),
                        new ManifestChecks.Expect("safelock", "safelock", 5, 5, 4, true, true, true, "builtin", false, true)),
                new Scenario("3 Redis lock nodes", "safelock", "safelock", values("redis.nodes", 3),
                        new ManifestChecks.Expect("safelock", "safelock", 3, 2, 2, true, true, true, "builtin", false, true)),
                new Scenario("7 Redis lock nodes", "safelock", "safelock", values("redis.nodes", 7),
                        new ManifestChecks.Expect("safelock", "safelock", 7, 2, 2, true, true, true, "builtin", false, true)),
                new Scenario("monitoring off", "safelock", "safelock", values("monitoring.enabled", false),
                        new ManifestChecks.Expect("safelock", "safelock", 5, 2, 2, true, true, true, "none", false, true)),
                new Scenario("Prometheus Operator mode", "safelock", "safelock",
                        values("monitoring.mode", "operator", "monitoring.operator.selectorLabels.release", "kube-prometheus-stack"),
                        new ManifestChecks.Expect("safelock", "safelock", 5, 2, 2, true, true, true, "operator", false, true)),
                new Scenario("external PostgreSQL, RabbitMQ and counter Redis", "safelock", "safelock",
                        values("postgresql.enabled", false, "postgresql.external.host", "db.example.internal",
                                "rabbitmq.enabled", false, "rabbitmq.external.host", "mq.example.internal",
                                "rabbitmq.external.port", 5673,
                                "counterRedis.enabled", false, "counterRedis.external.hosts", "redis://:pw@cache.example.internal:6379"),
                        new ManifestChecks.Expect("safelock", "safelock", 5, 2, 2, false, false, false, "builtin", false, true)),
                new Scenario("network policies on", "safelock", "safelock", values("networkPolicy.enabled", true),
                        new ManifestChecks.Expect("safelock", "safelock", 5, 2, 2, true, true, true, "builtin", true, true)),
                new Scenario("Redis without persistence (delayed start)", "safelock", "safelock",
                        values("redis.persistence.enabled", false),
                        new ManifestChecks.Expect("safelock", "safelock", 5, 2, 2, true, true, true, "builtin", false, false)),
                new Scenario("another release name and namespace", "demo", "shop", values("redis.nodes", 3),
                        new ManifestChecks.Expect("demo", "shop", 3, 2, 2, true, true, true, "builtin", false, true)));
    }

    static Manifests render(Scenario s) {
        String yaml = Chart.template(s.release(), s.namespace(), s.sets());
        return Manifests.parse(yaml, "helm template (" + s.name() + ")");
    }

    @Test
    void lintStrictWithDefaultValues() {
        LintResult result = Chart.lint();
        assertThat(Chart.lintProblems(result)).as("helm lint --strict messages").isEmpty();
        assertThat(result.isFailed()).as("helm lint --strict failed: " + result.getMessages()).isFalse();
    }

    @ParameterizedTest(name = "lint --strict: {0}")
    @MethodSource("scenarios")
    void lintStrictWithScenarioValues(Scenario s, @TempDir Path work) {
        LintResult result = Chart.lint(s.values(), work);
        assertThat(Chart.lintProblems(result)).as("helm lint --strict messages for " + s).isEmpty();
        assertThat(result.isFailed()).as("helm lint --strict failed for " + s + ": " + result.getMessages()).isFalse();
    }

    @ParameterizedTest(name = "template: {0}")
    @MethodSource("scenarios")
    void rendersValidManifests(Scenario s) {
        ManifestChecks.verify(render(s), s.expect());
    }

    @Test
    void lockNodeListFollowsTheNodeCount() {
        for (int nodes : new int[] {3, 5, 7}) {
            Manifests m = Manifests.parse(Chart.template(Map.of("redis.nodes", String.valueOf(nodes))), "redis.nodes=" + nodes);
            String list = m.get(ConfigMap.class, "safelock-inventory-service").getData().get("LOCK_REDIS_NODES");
            assertThat(list.split(",")).hasSize(nodes)
                    .startsWith("redis://safelock-redis-0.safelock-redis-headless.safelock.svc.cluster.local:6379")
                    .endsWith("redis://safelock-redis-" + (nodes - 1) + ".safelock-redis-headless.safelock.svc.cluster.local:6379");
            assertThat(m.get(StatefulSet.class, "safelock-redis").getSpec().getReplicas()).isEqualTo(nodes);
            assertThat(m.get(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class, "safelock-redis")
                    .getSpec().getMaxUnavailable().getIntVal()).isEqualTo((nodes - 1) / 2);
        }
    }

    @Test
    void externalDatabasesAreWiredIntoTheServices() {
        Scenario s = scenarios().filter(x -> x.name().startsWith("external")).findFirst().orElseThrow();
        Manifests m = render(s);
        Map<String, String> inventory = m.get(ConfigMap.class, "safelock-inventory-service").getData();
        assertThat(inventory).containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://db.example.internal:5432/inventory")
                .containsEntry("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://db.example.internal:5432/inventory")
                .containsEntry("RABBITMQ_HOST", "mq.example.internal")
                .containsEntry("RABBITMQ_PORT", "5673");
        var counter = m.workload("safelock-counter-service").container("counter-service");
        assertThat(m.environment(counter)).containsEntry("QUARKUS_REDIS_HOSTS", "<secret safelock-counter-redis/hosts>");
        assertThat(m.names(StatefulSet.class)).containsExactly("safelock-redis");
        assertThat(m.names(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class)).isEmpty();
    }

    @Test
    void builtinMonitoringScrapesTheServicesAndLoadsRulesAndDashboard() throws Exception {
        Manifests m = Manifests.parse(Chart.template(Map.of()), "default values");
        Map<String, String> prometheus = m.get(ConfigMap.class, "safelock-prometheus").getData();
        assertThat(prometheus.get("lock-alerts.yaml")).as("rules in the Prometheus ConfigMap")
                .isEqualTo(Project.read(Project.alertRules()));
        JsonNode config = YAML.readTree(prometheus.get("prometheus.yml"));
        assertThat(config.at("/rule_files/0").asText()).isEqualTo("/etc/prometheus/lock-alerts.yaml");
        JsonNode job = config.at("/scrape_configs/0");
        assertThat(job.at("/kubernetes_sd_configs/0/role").asText()).isEqualTo("pod");
        assertThat(job.at("/kubernetes_sd_configs/0/namespaces/names/0").asText()).isEqualTo("safelock");
        String relabel = job.get("relabel_configs").toString();
        assertThat(relabel).contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape",
                "__meta_kubernetes_pod_annotation_prometheus_io_path", "__meta_kubernetes_pod_annotation_prometheus_io_port",
                "\"target_label\":\"pod\"", "\"target_label\":\"namespace\"");

        Map<String, String> grafana = m.get(ConfigMap.class, "safelock-grafana-dashboards").getData();
        assertThat(grafana.get("lock-contention.json")).isEqualTo(Project.read(Project.dashboard()));
        JsonNode datasources = YAML.readTree(m.get(ConfigMap.class, "safelock-grafana-provisioning").getData().get("datasources.yaml"));
        assertThat(datasources.at("/datasources/0/url").asText()).isEqualTo("http://safelock-prometheus.safelock.svc.cluster.local:9090");
        assertThat(datasources.at("/datasources/0/uid").asText()).isEqualTo("prometheus");
        var grafanaPod = m.workload("safelock-grafana").container("grafana");
        assertThat(m.environment(grafanaPod)).containsEntry("GF_SECURITY_ADMIN_PASSWORD", "<secret safelock-grafana/admin-password>");

        Role role = m.get(Role.class, "safelock-prometheus");
        assertThat(role.getRules()).allSatisfy(r -> assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch"));
    }

    @Test
    void operatorModeEmitsServiceMonitorRuleAndDashboardConfigMap() throws Exception {
        Scenario s = scenarios().filter(x -> x.name().startsWith("Prometheus Operator")).findFirst().orElseThrow();
        Manifests m = render(s);
        ServiceMonitor monitor = m.get(ServiceMonitor.class, "safelock-services");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies(e -> {
            assertThat(e.getPort()).isEqualTo("http");
            assertThat(e.getPath()).isEqualTo("/q/metrics");
        });
        Map<String, String> selector = monitor.getSpec().getSelector().getMatchLabels();
        List<String> selected = m.all(Service.class).stream()
                .filter(svc -> svc.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .map(svc -> svc.getMetadata().getName()).toList();
        assertThat(selected).containsExactlyInAnyOrder("safelock-inventory-service", "safelock-counter-service");
        for (String name : selected) {
            assertThat(m.get(Service.class, name).getSpec().getPorts()).extracting(p -> p.getName()).contains("http");
        }

        PrometheusRule rule = m.get(PrometheusRule.class, "safelock-alerts");
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        JsonNode file = YAML.readTree(Project.read(Project.alertRules()));
        Map<String, String> expected = new LinkedHashMap<>();
        file.get("groups").forEach(g -> g.get("rules").forEach(r -> expected.put(r.get("alert").asText(), r.get("expr").asText())));
        Map<String, String> actual = rule.getSpec().getGroups().stream().flatMap(g -> g.getRules().stream())
                .collect(Collectors.toMap(r -> r.getAlert(), r -> r.getExpr().getStrVal(), (a, b) -> a, LinkedHashMap::new));
        assertThat(actual).isEqualTo(expected);

        ConfigMap dashboard = m.get(ConfigMap.class, "safelock-dashboard");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(dashboard.getData().get("lock-contention.json")).isEqualTo(Project.read(Project.dashboard()));
        assertThat(m.names(Deployment.class)).doesNotContain("safelock-prometheus", "safelock-grafana");
    }

    @Test
    void autoscalersAreOffByDefaultAndRenderedPerServiceWhenEnabled() {
        Manifests defaults = Manifests.parse(Chart.template(Map.of()), "default values");
        assertThat(defaults.all(HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(defaults.get(Deployment.class, "safelock-inventory-service").getSpec().getReplicas()).isEqualTo(2);

        Manifests m = Manifests.parse(Chart.template(Map.of("inventory.autoscaling.enabled", "true",
                "inventory.autoscaling.minReplicas", "3", "inventory.autoscaling.maxReplicas", "9",
                "inventory.autoscaling.targetCPUUtilizationPercentage", "60")), "inventory autoscaling on");
        HorizontalPodAutoscaler hpa = m.get(HorizontalPodAutoscaler.class, "safelock-inventory-service");
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("safelock-inventory-service");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(9);
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
            assertThat(metric.getResource().getName()).isEqualTo("cpu");
            assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
            assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(60);
        });
        assertThat(m.get(Deployment.class, "safelock-inventory-service").getSpec().getReplicas())
                .as("the autoscaler owns the replica count").isNull();
        assertThat(m.names(HorizontalPodAutoscaler.class)).containsExactly("safelock-inventory-service");
        assertThat(m.get(Deployment.class, "safelock-counter-service").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void monitoringOffRendersNoMonitoringObjects() {
        Manifests m = Manifests.parse(Chart.template(Map.of("monitoring.enabled", "false")), "monitoring off");
        assertThat(m.resources).noneMatch(r -> {
            String component = r.getMetadata().getLabels().get("app.kubernetes.io/component");
            return List.of("prometheus", "grafana", "monitoring").contains(component);
        });
    }

    @Test
    void servicePodsKeepConfigInConfigMapsAndPasswordsInSecrets() {
        Manifests m = Manifests.parse(Chart.template(Map.of()), "default values");
        List<String> passwords = m.all(io.fabric8.kubernetes.api.model.Secret.class).stream()
                .flatMap(secret -> secret.getData().values().stream())
                .map(b64 -> new String(java.util.Base64.getDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8))
                .filter(v -> !v.equals("admin"))
                .toList();
        assertThat(passwords).isNotEmpty();
        for (String name : List.of("safelock-inventory-service", "safelock-counter-service")) {
            Map<String, String> config = m.get(ConfigMap.class, name).getData();
            assertThat(config.keySet()).as(name + " ConfigMap keys").noneMatch(k -> k.contains("PASSWORD"));
            for (String value : config.values()) {
                assertThat(passwords).as(name + " ConfigMap value " + value)
                        .noneMatch(pw -> value.equals(pw) || value.contains(":" + pw + "@"));
            }
        }
    }
}
