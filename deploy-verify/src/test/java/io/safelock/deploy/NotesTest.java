package io.safelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as helm install prints it, gives commands that work for the release as installed. */
class NotesTest {

    @Test
    void notesGiveExactPortForwardAndCurlCommandsForTheSeedScenarios() {
        String notes = Chart.notes(Map.of());
        assertThat(notes).contains(
                "kubectl -n safelock port-forward svc/safelock-inventory-service 8080:8080",
                "kubectl -n safelock port-forward svc/safelock-counter-service 8081:8081",
                "curl -s -X POST localhost:8080/purchase/without-lock/1",
                "curl -s -X POST localhost:8080/purchase/with-lock/1",
                "curl -s localhost:8080/stock/1",
                "curl -s -X POST localhost:8080/stock/1/reset",
                "curl -s -X POST localhost:8080/buy/1",
                "curl -s localhost:8081/counters/demo",
                "curl -s -X POST localhost:8081/counters/demo/increment -H 'Content-Type: application/json' -d '{\"by\": 1, \"mode\": \"locked\"}'",
                "curl -s -X POST localhost:8081/experiments/race",
                "kubectl -n safelock port-forward svc/safelock-grafana 3000:3000",
                "get secret safelock-grafana -o jsonpath='{.data.admin-password}' | base64 -d",
                "quorum 3",
                "WARNING: some passwords are the chart's published defaults");
    }

    @Test
    void notesFollowReleaseNamePortsAndMonitoringMode() {
        String notes = Chart.notes(Map.of("redis.auth.password", "s3cret-r", "postgresql.auth.password", "s3cret-p",
                "rabbitmq.auth.password", "s3cret-m", "counterRedis.auth.password", "s3cret-c",
                "monitoring.mode", "operator", "redis.nodes", "7"));
        assertThat(notes).contains("quorum 4", "ServiceMonitor safelock-services", "monitoring.operator.selectorLabels")
                .doesNotContain("port-forward svc/safelock-grafana", "WARNING");
    }
}
