package io.safelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The "Lock contention" Grafana dashboard: well-formed, complete, and built only on metrics that exist. */
class DashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What the dashboard must show; each with the metric that shows it. */
    static final Map<String, String> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("acquire rate by outcome", "lock_acquire_seconds_count");
        REQUIRED.put("contention ratio", "lock_contended_attempts_total");
        REQUIRED.put("wait time", "lock_wait_seconds_bucket");
        REQUIRED.put("hold time", "lock_hold_seconds_bucket");
        REQUIRED.put("oldest current hold", "lock_oldest_hold_seconds");
        REQUIRED.put("leases lost", "lock_leases_lost_total");
        REQUIRED.put("extensions", "lock_extensions_total");
        REQUIRED.put("per-node errors", "lock_node_errors_total");
        REQUIRED.put("quorum failures", "lock_quorum_failures_total");
        REQUIRED.put("purchases by outcome", "inventory_purchases_total");
        REQUIRED.put("oversold units", "inventory_oversold_units_total");
        REQUIRED.put("counter lost updates", "counter_lost_updates_total");
        REQUIRED.put("queue depth", "counter_queue_depth");
        REQUIRED.put("queue age", "counter_queue_oldest_age_seconds");
    }


    static JsonNode dashboard;
    static List<JsonNode> panels = new ArrayList<>();
    static List<String> exprs = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        dashboard = JSON.readTree(Project.dashboard().toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        panels.forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    }

    @Test
    void isAGrafanaDashboardNamedLockContention() {
        assertThat(dashboard.path("title").asText()).isEqualTo("Lock contention");
        assertThat(dashboard.path("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : panels) {
            assertThat(ids.add(p.path("id").asInt())).as("panel id %s is unique", p.path("id")).isTrue();
            JsonNode grid = p.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("panel %s fits 24 columns", p.path("title"))
                    .isLessThanOrEqualTo(24);
            if (!p.path("type").asText().equals("row")) {
                assertThat(p.path("targets")).as("panel %s has queries", p.path("title")).isNotEmpty();
            }
        }
    }

    @Test
    void everyQueryUsesTheDatasourceVariable() {
        Set<String> variables = new HashSet<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).contains("datasource", "namespace", "pod");
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                assertThat(t.path("datasource").path("uid").asText()).as("datasource of %s", p.path("title"))
                        .isEqualTo("${datasource}");
                assertThat(t.path("expr").asText()).as("query of %s filters by the pod variable", p.path("title"))
                        .contains("pod=~\"$pod\"");
            }
        }
    }

    @Test
    void showsEverythingAskedForPerReplicaAndInTotal() {
        Map<String, Set<String>> byPod = new LinkedHashMap<>();
        Map<String, Set<String>> total = new LinkedHashMap<>();
        for (String expr : exprs) {
            for (String metric : PromQl.metricNames(expr)) {
                (PromQl.groupsByPod(expr) ? byPod : total).computeIfAbsent(metric, k -> new LinkedHashSet<>()).add(expr);
            }
        }
        REQUIRED.forEach((what, metric) -> {
            assertThat(total).as("a total (all pods) query of %s (%s)", what, metric).containsKey(metric);
            assertThat(byPod).as("a per-replica (by pod) query of %s (%s)", what, metric).containsKey(metric);
        });
        String all = String.join("\n", exprs);
        for (String histogram : List.of("lock_wait_seconds_bucket", "lock_hold_seconds_bucket")) {
            assertThat(exprs).as("p50 of " + histogram)
                    .anyMatch(e -> e.contains("histogram_quantile(0.5,") && e.contains(histogram));
            assertThat(exprs).as("p99 of " + histogram)
                    .anyMatch(e -> e.contains("histogram_quantile(0.99,") && e.contains(histogram));
        }
        assertThat(all).contains("sum by (outcome) (rate(lock_acquire_seconds_count");
        assertThat(all).contains("by (node");
    }

    @Test
    void everyMetricInTheDashboardAndTheAlertRulesExistsInTheServicesScrapes() throws Exception {
        Map<String, String> used = new LinkedHashMap<>();
        exprs.forEach(e -> PromQl.metricNames(e).forEach(n -> used.putIfAbsent(n, "dashboard")));
        dashboard.path("templating").path("list").forEach(v -> {
            String query = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
            if (query.contains("label_values")) {
                PromQl.metricNames(query).forEach(n -> used.putIfAbsent(n, "dashboard variable " + v.path("name").asText()));
            }
        });
        YAML.readTree(Project.alertRules().toFile()).get("groups").forEach(g -> g.get("rules").forEach(r ->
                PromQl.metricNames(r.get("expr").asText()).forEach(n -> used.putIfAbsent(n, "alert " + r.get("alert").asText()))));
        assertThat(used).as("metric names found in the queries").containsKeys(REQUIRED.values().toArray(String[]::new));

        ServiceScrapes scrapes = ServiceScrapes.load();
        List<String> missing = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        used.forEach((metric, where) -> {
            String problem = scrapes.problem(metric);
            if ("unchecked".equals(problem)) {
                unchecked.add(metric);
            } else if (problem != null) {
                missing.add(metric + " (used by " + where + ") is " + problem);
            }
        });
        assertThat(missing).as("metrics the dashboard or the alerts use that the services do not expose").isEmpty();
        if (!unchecked.isEmpty()) {
            System.out.println("Not checked, their service module is absent " + scrapes.absentModules + ": " + unchecked);
        }
        Assumptions.assumeTrue(unchecked.size() < used.size(),
                "no service module exists yet, so no metric name could be checked");
    }

    @Test
    void promQlReaderFindsMetricNamesOnly() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (pod, le) (rate(lock_wait_seconds_bucket{namespace=~\"$namespace\",pod=~\"$pod\"}[$__rate_interval])))"))
                .containsExactly("lock_wait_seconds_bucket");
        assertThat(PromQl.metricNames("(sum(rate(a_total{x=\"y\"}[5m])) or sum(rate(b_count[1m])) * 0) / clamp_min(sum(c) + 1e-9, 1e-9)"))
                .containsExactly("a_total", "b_count", "c");
        assertThat(PromQl.metricNames("label_values(lock_acquire_seconds_count{namespace=~\"$namespace\"}, pod)"))
                .containsExactly("lock_acquire_seconds_count");
        assertThat(PromQl.metricNames("max by (namespace) (counter_queue_oldest_age_seconds) > 60"))
                .containsExactly("counter_queue_oldest_age_seconds");
        assertThat(PromQl.groupsByPod("sum by (pod, outcome) (rate(x[1m]))")).isTrue();
        assertThat(PromQl.groupsByPod("sum by (outcome) (rate(x{pod=~\"$pod\"}[1m]))")).isFalse();
    }

    @Test
    void scrapeReaderTakesNamesFromSamplesOnly() {
        String exposition = """
                # HELP lock_wait_seconds Time from the acquire call until the lock was granted
                # TYPE lock_wait_seconds histogram
                lock_wait_seconds_bucket{group="product",le="0.001"} 3.0
                lock_wait_seconds_count{group="product"} 3.0
                # TYPE counter_lost_updates_total counter
                counter_lost_updates_total 0.0
                lock_held{group="product",} 1.0 1700000000000
                """;
        assertThat(ServiceScrapes.parse(exposition))
                .containsExactlyInAnyOrder("lock_wait_seconds_bucket", "lock_wait_seconds_count", "counter_lost_updates_total", "lock_held");
    }
}
