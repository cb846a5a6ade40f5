package io.safelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert rules pass promtool's checks and unit tests, and every alert is tested both ways. */
class AlertRulesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static final Set<String> REQUIRED_ALERTS = Set.of("LockHeldFarLongerThanTtl", "LockLeaseLost", "LockQuorumFailures",
            "LockRedisNodeErrors", "LockHeldPastItsWork",
            "InventoryOversold", "CounterQueueStale");

    @Test
    void rulesFilePassesPromtoolCheck() {
        Promtool.Result result = Promtool.run("check", "rules", Project.alertRules().toString());
        assertThat(result.exitCode()).as("promtool check rules:\n" + result.output()).isZero();
    }

    @Test
    void rulesPassTheirPromtoolUnitTests() {
        Promtool.Result result = Promtool.run("test", "rules", Project.alertRuleTests().toString());
        assertThat(result.exitCode()).as("promtool test rules:\n" + result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsCoveredFiringAndQuiet() throws Exception {
        Set<String> alerts = new LinkedHashSet<>();
        YAML.readTree(Project.alertRules().toFile()).get("groups")
                .forEach(g -> g.get("rules").forEach(r -> alerts.add(r.get("alert").asText())));
        assertThat(alerts).as("alerts the specification asks for").containsAll(REQUIRED_ALERTS);

        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : YAML.readTree(Project.alertRuleTests().toFile()).get("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String name = check.get("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? quiet : fires).add(name);
            }
        }
        assertThat(fires).as("alerts with a test where they fire").containsAll(alerts);
        assertThat(quiet).as("alerts with a test where they stay quiet").containsAll(alerts);
    }

    @Test
    void rulesAsShippedInTheChartPassPromtool(@TempDir Path work) throws Exception {
        // Operator mode re-serialises the file into a PrometheusRule: check what the operator would load.
        Manifests m = Manifests.parse(Chart.template(Map.of("monitoring.mode", "operator")), "operator mode");
        PrometheusRule rule = m.get(PrometheusRule.class, "safelock-alerts");
        Path file = work.resolve("from-prometheusrule.yaml");
        Files.writeString(file, YAML.writeValueAsString(Map.of("groups", rule.getSpec().getGroups())));
        Promtool.Result result = Promtool.run("check", "rules", file.toString());
        assertThat(result.exitCode()).as("promtool check rules on the PrometheusRule spec:\n" + result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + countRules() + " rules found");
    }

    private static int countRules() throws Exception {
        int count = 0;
        for (JsonNode g : YAML.readTree(Project.alertRules().toFile()).get("groups")) {
            count += g.get("rules").size();
        }
        return count;
    }
}
