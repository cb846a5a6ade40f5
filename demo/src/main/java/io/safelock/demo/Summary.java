package io.safelock.demo;

import io.safelock.demo.local.AdminToken;
import java.io.PrintStream;
import java.util.List;

/** What to open and what to paste once the demo runs. */
final class Summary {

    private Summary() {
    }

    static void print(DemoPlan plan, PrintStream out) {
        String inv = plan.inventoryUrls().get(0);
        String inv2 = plan.inventoryUrls().get(plan.inventoryUrls().size() - 1);
        String json = " -H 'Content-Type: application/json'";
        out.println();
        out.println("Running (left running; stop with: scripts/demo.sh stop)");
        out.println("  inventory-service  " + String.join("  ", plan.inventoryUrls()));
        if (!plan.counterPorts().isEmpty()) {
            out.println("  counter-service    " + String.join("  ", plan.counterUrls()));
        }
        out.println("  lock nodes         redis-server " + String.join(" ", plan.lockPorts().stream().map(p -> ":" + p).toList())
                + "  (data and PIDs in " + plan.root().relativize(plan.runDir()) + "/, logs in "
                + plan.root().relativize(plan.runDir().resolve("logs")) + "/)");
        out.println("  every replica      /q/swagger-ui (OpenAPI UI), /q/openapi, /q/metrics, /q/health/ready");
        out.println("                     e.g. " + inv + "/q/swagger-ui  " + inv + "/q/metrics"
                + (plan.counterPorts().isEmpty() ? "" : "  " + plan.counterUrls().get(0) + "/q/swagger-ui"));
        out.println();
        String admin = " -H \"Authorization: Bearer $(cat " + plan.root().relativize(AdminToken.file(plan)) + ")\"";
        out.println("  admin token        " + AdminToken.of(plan) + "  (in " + plan.root().relativize(AdminToken.file(plan))
                + "; resets and race experiments need 'Authorization: Bearer <token>')");
        out.println();
        out.println("Try it (copy and paste, from the repository root):");
        out.println("  curl -s -X POST " + inv + "/stock/1/reset" + json + admin + " -d '{\"stock\": 1}'; echo");
        out.println("  for port in " + fivePorts(plan.inventoryPorts()) + "; do curl -s -w '\\n' -X POST http://127.0.0.1:$port/purchase/without-lock/1 & done; wait");
        out.println("  curl -s " + inv + "/stock/1; echo                      # negative: oversold");
        out.println("  curl -s -X POST " + inv + "/stock/1/reset" + json + admin + " -d '{\"stock\": 1}'; echo");
        out.println("  for port in " + fivePorts(plan.inventoryPorts()) + "; do curl -s -w '\\n' -X POST http://127.0.0.1:$port/purchase/with-lock/1 & done; wait");
        out.println("  curl -s " + inv2 + "/stock/1; echo                      # 0: exactly one sold");
        out.println("  curl -s -X POST " + inv + "/stock/1/reset" + json + admin + " -d '{\"stock\": 3}'; echo");
        out.println("  curl -X POST " + inv.replace("127.0.0.1", "localhost") + "/buy/1 -H \"Content-Type: application/json\" -d '{\"amount\": 1}'; echo");
        if (!plan.counterPorts().isEmpty()) {
            String cnt = plan.counterUrls().get(0);
            String cnt2 = plan.counterUrls().get(plan.counterUrls().size() - 1);
            out.println("  curl -s -X POST " + cnt + "/counters/hits/increment" + json + " -d '{\"by\": 1, \"mode\": \"locked\"}'; echo");
            out.println("  curl -s -X POST " + cnt2 + "/experiments/race" + json + admin
                    + " -d '{\"counter\": \"race\", \"mode\": \"unsafe\", \"workers\": 8, \"incrementsPerWorker\": 50, \"thinkTimeMs\": 2}'; echo");
        }
        out.println("  curl -s " + inv + "/q/metrics | grep -E '^(inventory_purchases_total|lock_quorum_failures_total)'");
        int last = plan.lockPorts().get(plan.lockPorts().size() - 1);
        out.println("  scripts/demo.sh kill-node " + last + "; scripts/demo.sh start-node " + last + "   # crash and restart one lock node");
        int first = plan.inventoryPorts().get(0);
        String baseUrl = first == DemoPlan.FIRST_INVENTORY_PORT ? "" : "BASE_URL=http://localhost:" + first + " ";
        out.println("  (cd seed-clients && npm ci && " + baseUrl + "npm run race && " + baseUrl + "./buy.sh)   # the seed's axios and curl clients");
        out.println("  scripts/demo.sh status; scripts/demo.sh stop");
    }

    static void printMonitoring(String prometheus, java.util.Optional<String> grafana, java.nio.file.Path root, PrintStream out) {
        out.println();
        out.println("Monitoring (scripts/demo.sh up --monitoring)");
        out.println("  prometheus         " + prometheus + "/targets  " + prometheus + "/alerts  (rules: helm/safelock/rules/lock-alerts.yaml)");
        out.println("  curl -s '" + prometheus + "/api/v1/query?query=sum%20by%20(pod)%20(rate(lock_acquire_seconds_count%5B1m%5D))'; echo");
        out.println(grafana.map(url -> "  grafana            " + url + "  (dashboard 'Lock contention', folder safelock)")
                .orElse("  grafana            not installed here: in your Grafana add a Prometheus datasource " + prometheus
                        + " and import helm/safelock/dashboards/lock-contention.json"));
    }

    private static String fivePorts(List<Integer> ports) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            out.append(i == 0 ? "" : " ").append(ports.get(i % ports.size()));
        }
        return out.toString();
    }
}
