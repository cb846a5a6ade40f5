package io.safelock.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;
import io.safelock.demo.local.AdminToken;
import io.safelock.demo.local.DemoCluster;
import io.safelock.demo.local.LockNodes;
import io.safelock.demo.local.Monitoring;
import io.safelock.demo.local.Replicas;
import io.safelock.demo.monitoring.PrometheusApi;
import io.safelock.demo.monitoring.PrometheusApi.Series;
import io.safelock.demo.story.Story;
import io.safelock.testsupport.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's dashboard and alert rules against a real Prometheus (the Debian binary, run with the demo's
 * own start code) scraping real replicas while the demo's story runs: every target of every panel, with
 * the template variables substituted as Grafana does, must return series, and the panels of the events the
 * story causes must move; the rules load unchanged from helm/, every metric they use exists, the hang
 * alert's expression (its threshold lowered) selects exactly the pod and group of a stalled holder, and the
 * quorum alert fires while 3 of 5 lock nodes are down and resolves once they are back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {

    static final Path ROOT = Path.of(System.getProperty("safelock.root", "..")).toAbsolutePath().normalize();
    static final String RUN = System.currentTimeMillis() / 1000 + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    /** Scrape and evaluation interval: short, so the test observes alerts within seconds. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Step of the range queries; Grafana's $__rate_interval is then max(step + scrape interval, 4 x scrape interval). */
    static final Duration STEP = Duration.ofSeconds(2);
    static final String RATE_INTERVAL = Math.max(STEP.toSeconds() + INTERVAL.toSeconds(), 4 * INTERVAL.toSeconds()) + "s";

    /** Panels whose data is sampled gauges the story need not catch above zero: they must return series only. */
    static final Set<String> SERIES_ONLY = Set.of("Queue depth", "Oldest queued update age");
    /** Panels that must stay at zero through the story: a locked strategy never oversells. */
    static final Set<String> MUST_STAY_ZERO = Set.of("Oversold units (locked strategies)");
    /** Work of the stalled purchase: past the 8 s the gauge must show, well under the services' 60 s work bound. */
    static final int STALLED_HOLD_MS = 15_000;
    /** LockHeldPastItsWork's threshold for the live check, in place of the rule's 120 s. */
    static final int QUICK_HANG_THRESHOLD_S = 5;

    static DemoPlan plan;
    static DemoCluster cluster;
    static SharedServers shared;
    static PrometheusApi prometheus;
    static double storyStart;
    static double storyEnd;
    static boolean storyPassed;

    @BeforeAll
    static void startReplicasPrometheusAndTellTheStory() throws Exception {
        shared = new SharedServers("inventory_monitoring_it_" + RUN, "monitoring-it.inventory." + RUN);
        Map<String, String> inventory = new LinkedHashMap<>();
        inventory.put("DB_URL", "postgresql://127.0.0.1:5432/" + shared.database());
        inventory.put("RABBITMQ_HOST", "127.0.0.1");
        inventory.put("INVENTORY_EVENTS_EXCHANGE", shared.exchange());
        Map<String, String> counter = new LinkedHashMap<>();
        counter.put("QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:6379");
        counter.put("RABBITMQ_HOST", "127.0.0.1");
        counter.put("COUNTER_KEY_PREFIX", "monitoring-it:" + RUN + ":");
        counter.put("COUNTER_RABBITMQ_INVENTORY_EXCHANGE", shared.exchange());
        counter.put("COUNTER_RABBITMQ_INVENTORY_QUEUE", "monitoring-it.inventory-purchased." + RUN);
        counter.put("COUNTER_RABBITMQ_COMMANDS_QUEUE", "monitoring-it.commands." + RUN);
        counter.put("COUNTER_RABBITMQ_UPDATED_EXCHANGE", "monitoring-it.updated." + RUN);
        counter.put("COUNTER_RABBITMQ_DURABLE_QUEUE_EXPIRES", "5m");
        // lock nodes, two inventory replicas, one counter replica, Prometheus
        List<Integer> ports = FreePorts.distinct(DemoPlan.LOCK_NODES + 4);
        int n = DemoPlan.LOCK_NODES;
        plan = new DemoPlan(ROOT, ROOT.resolve("demo/target/monitoring-it-" + RUN), ports.subList(0, n),
                ports.subList(n, n + 2), ports.subList(n + 2, n + 3), inventory, counter);
        cluster = new DemoCluster(plan, line -> System.out.println("[it] " + line));
        Runtime.getRuntime().addShutdownHook(new Thread(MonitoringIT::stopEverything));
        cluster.up();
        int port = ports.get(n + 3);
        new Monitoring(plan, INTERVAL, line -> System.out.println("[it] " + line)).startPrometheus(port);
        prometheus = new PrometheusApi("http://127.0.0.1:" + port);
        storyStart = System.currentTimeMillis() / 1000.0;
        storyPassed = new Story(plan, cluster.lockNodes(), System.out).run();
        Thread.sleep(3 * INTERVAL.toMillis());
        storyEnd = System.currentTimeMillis() / 1000.0;
    }

    @AfterAll
    static void stopEverything() {
        if (cluster != null) {
            cluster.down();
        }
        if (shared != null) {
            shared.dropQuietly();
        }
    }

    @Test
    @Order(1)
    void theStoryPassesAndEveryReplicaIsScrapedWithTheChartsLabels() {
        assertThat(storyPassed).as("every step of the story PASS or RACE (see the table in the output)").isTrue();
        List<Map<String, Object>> targets = prometheus.activeTargets();
        assertThat(targets).hasSize(plan.inventoryPorts().size() + plan.counterPorts().size());
        Set<String> pods = new LinkedHashSet<>();
        for (Map<String, Object> target : targets) {
            assertThat(target.get("health")).as("target %s: %s", target.get("scrapeUrl"), target.get("lastError")).isEqualTo("up");
            @SuppressWarnings("unchecked")
            Map<String, Object> labels = (Map<String, Object>) target.get("labels");
            assertThat(labels).containsEntry("namespace", Monitoring.NAMESPACE).containsKeys("pod", "service");
            assertThat(labels.get("service").toString()).matches("safelock-(inventory|counter)-service");
            pods.add(labels.get("pod").toString());
        }
        assertThat(pods).containsExactlyInAnyOrderElementsOf(Monitoring.pods(plan));
    }

    @Test
    @Order(2)
    void everyTemplateVariableListsWhatTheStoryRan() {
        Map<String, Object> dashboard = dashboard();
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (Object v : list(map(dashboard.get("templating")).get("list"))) {
            Map<String, Object> variable = map(v);
            if (!"query".equals(variable.get("type"))) {
                continue;
            }
            String query = map(variable.get("query")).get("query").toString();
            Matcher m = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)").matcher(query);
            assertThat(m.matches()).as("variable query %s", query).isTrue();
            options.put(variable.get("name").toString(), prometheus.labelValues(m.group(2), substitute(m.group(1))));
        }
        assertThat(options.get("namespace")).contains(Monitoring.NAMESPACE);
        assertThat(options.get("pod")).containsAll(Monitoring.pods(plan).subList(0, plan.inventoryPorts().size()));
        assertThat(options.get("group")).contains("product", "counter");
    }

    @Test
    @Order(3)
    void everyTargetOfEveryPanelReturnsSeriesAndThePanelsOfTheStorysEventsMove() {
        List<String> problems = new ArrayList<>();
        int targets = 0;
        for (Map<String, Object> panel : panels()) {
            String title = panel.get("title").toString();
            double panelMax = Double.NEGATIVE_INFINITY;
            for (Object t : list(panel.get("targets"))) {
                String expr = substitute(map(t).get("expr").toString());
                List<Series> result = prometheus.queryRange(expr, storyStart, storyEnd, STEP);
                targets++;
                if (result.isEmpty()) {
                    problems.add("panel '" + title + "' target " + map(t).get("refId") + " returns no series: " + expr);
                }
                for (Series s : result) {
                    // A series without a single number in the window (histogram_quantile over a zero rate is NaN
                    // throughout) shows nothing; Math.max would turn the whole panel's maximum into NaN.
                    if (!Double.isNaN(s.max())) {
                        panelMax = Math.max(panelMax, s.max());
                    }
                }
            }
            System.out.printf("[it] panel %-45s max %s%n", "'" + title + "'", panelMax);
            if (MUST_STAY_ZERO.contains(title)) {
                if (panelMax != 0) {
                    problems.add("panel '" + title + "' must stay 0 through the story, max " + panelMax);
                }
            } else if (!SERIES_ONLY.contains(title) && !(panelMax > 0)) {
                problems.add("panel '" + title + "' never moved above 0 although the story produced its events (max " + panelMax + ")");
            }
        }
        assertThat(targets).as("targets evaluated").isGreaterThan(40);
        assertThat(problems).isEmpty();
    }

    @Test
    @Order(4)
    void theChartsRulesAreLoadedUnchangedAndEveryMetricTheyUseExists() throws Exception {
        List<Map<String, Object>> rules = prometheus.rules();
        String file = Files.readString(Monitoring.rulesFile(ROOT));
        long inFile = Pattern.compile("^\\s+- (alert|record): ", Pattern.MULTILINE).matcher(file).results().count();
        assertThat(rules).as("rules Prometheus loaded from " + Monitoring.rulesFile(ROOT)).hasSize((int) inFile);
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> rule : rules) {
            assertThat(rule.get("health")).as("rule %s: %s", rule.get("name"), rule.get("lastError")).isEqualTo("ok");
            for (String metric : metricNames(rule.get("query").toString())) {
                boolean present = !prometheus.query("count({__name__=\"" + metric + "\"})").isEmpty();
                if (!present) {
                    problems.add("rule " + rule.get("name") + " uses " + metric + ", which no replica exposes");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * The hang alert on real data without waiting out its 120 s threshold and 1 m {@code for} (their timing is
     * covered by the promtool tests): one purchase holds its product lock for {@link #STALLED_HOLD_MS} on one
     * replica; Prometheus must see that replica's {@code lock_oldest_hold_seconds} climb past 8 s, and the
     * rule's own expression, read from the chart's rule file with only its threshold lowered, must select
     * exactly that namespace/pod/group while it holds and nothing once it has released.
     */
    @Test
    @Order(5)
    void theHangAlertsExpressionSelectsAStalledHolderAndNothingOnceItReleases() throws Exception {
        String rule = alertExpression("LockHeldPastItsWork");
        Matcher threshold = Pattern.compile(">\\s*120\\s*$").matcher(rule);
        assertThat(threshold.find()).as("LockHeldPastItsWork compares with its 120 s threshold last: %s", rule).isTrue();
        String quick = rule.substring(0, threshold.start()) + "> " + QUICK_HANG_THRESHOLD_S;
        int port = plan.inventoryPorts().get(0);
        String replica = plan.inventoryUrls().get(0);
        Map<String, String> holderLabels = Map.of("namespace", Monitoring.NAMESPACE,
                "pod", Monitoring.podName(Replicas.Service.INVENTORY, port), "group", "product");
        assertThat(prometheus.query(quick)).as("%s before the stalled holder starts", quick).isEmpty();

        Http http = new Http(Duration.ofSeconds(STALLED_HOLD_MS / 1000 + 30), AdminToken.of(plan)); // the reset is an admin route
        Reply reset = http.post(replica + "/stock/1/reset", "{\"stock\": 1}");
        assertThat(reset.status()).as("stock reset: %s", reset.body()).isEqualTo(200);
        double holdStart = System.currentTimeMillis() / 1000.0;
        CompletableFuture<Reply> holder = CompletableFuture.supplyAsync(
                () -> http.post(replica + "/purchase/with-lock/1?delayMs=" + STALLED_HOLD_MS, "{\"quantity\": 1}"));
        Reply bought = holder.get(STALLED_HOLD_MS + 60_000, TimeUnit.MILLISECONDS);
        double holdEnd = System.currentTimeMillis() / 1000.0;
        assertThat(bought.status()).as("the stalled purchase: %s", bought.body()).isEqualTo(200);

        // What Prometheus scraped while it held (a range query, so the test thread's own scheduling cannot miss it).
        List<Series> oldest = prometheus.queryRange("lock_oldest_hold_seconds > 8", holdStart, holdEnd, INTERVAL);
        System.out.printf("[it] lock_oldest_hold_seconds > 8 while the holder held: %s%n", oldest.stream()
                .map(s -> s.labels() + " max " + s.max()).toList());
        assertThat(oldest).as("lock_oldest_hold_seconds above 8 s while the %d s holder held", STALLED_HOLD_MS / 1000)
                .hasSize(1).first().satisfies(s -> assertThat(s.labels()).containsAllEntriesOf(holderLabels));
        List<Series> firing = prometheus.queryRange(quick, holdStart, holdEnd, INTERVAL);
        assertThat(firing).as("%s while the holder held", quick).hasSize(1);
        assertThat(firing.get(0).labels()).as("the series %s selects", quick).isEqualTo(holderLabels);
        assertThat(firing.get(0).max()).isGreaterThan(8);

        // Released: the gauge falls back to 0 (or the series goes) and the expression selects nothing.
        String holderGauge = "lock_oldest_hold_seconds{namespace=\"" + Monitoring.NAMESPACE + "\", pod=\"" + holderLabels.get("pod")
                + "\", group=\"product\"}";
        long deadline = System.currentTimeMillis() + 20_000;
        List<Series> after = prometheus.query(holderGauge);
        List<Series> stillFiring = prometheus.query(quick);
        while ((after.stream().anyMatch(s -> s.last() != 0) || !stillFiring.isEmpty()) && System.currentTimeMillis() < deadline) {
            sleep(INTERVAL.toMillis());
            after = prometheus.query(holderGauge);
            stillFiring = prometheus.query(quick);
        }
        assertThat(after).as("%s once the holder released", holderGauge).allSatisfy(s -> assertThat(s.last()).isZero());
        assertThat(stillFiring).as("%s once the holder released", quick).isEmpty();
    }

    /** The {@code expr} of an alert in the chart's rule file, as written there (so a renamed metric or label breaks the checks). */
    static String alertExpression(String alert) throws Exception {
        Map<String, Object> file = map(new Yaml().load(Files.readString(Monitoring.rulesFile(ROOT))));
        for (Object group : list(file.get("groups"))) {
            for (Object r : list(map(group).get("rules"))) {
                if (alert.equals(map(r).get("alert"))) {
                    return map(r).get("expr").toString().strip();
                }
            }
        }
        throw new AssertionError("no alert " + alert + " in " + Monitoring.rulesFile(ROOT));
    }

    @Test
    @Order(6)
    void theQuorumAlertFiresWhileThreeOfFiveNodesAreDownAndResolvesAfter() {
        LockNodes nodes = cluster.lockNodes();
        List<Integer> victims = plan.lockPorts().subList(0, 3);
        Http http = new Http(Duration.ofSeconds(30), AdminToken.of(plan));
        try {
            victims.forEach(nodes::kill);
            String state = null;
            long deadline = System.currentTimeMillis() + 60_000;
            while (state == null && System.currentTimeMillis() < deadline) {
                for (String replica : plan.inventoryUrls()) {
                    http.post(replica + "/purchase/with-lock/1", "{\"quantity\": 1}");
                }
                state = alertState("LockQuorumFailures");
                sleep(500);
            }
            assertThat(state).as("LockQuorumFailures pending or firing while 3 of 5 nodes are down").isIn("pending", "firing");
        } finally {
            victims.forEach(nodes::ensure);
        }
        long deadline = System.currentTimeMillis() + 180_000;
        String state = alertState("LockQuorumFailures");
        while (state != null && System.currentTimeMillis() < deadline) {
            sleep(1_000);
            state = alertState("LockQuorumFailures");
        }
        assertThat(state).as("LockQuorumFailures resolved once the nodes are back").isNull();
    }

    private static String alertState(String name) {
        return prometheus.alerts().stream().filter(a -> name.equals(map(a.get("labels")).get("alertname")))
                .map(a -> a.get("state").toString()).findFirst().orElse(null);
    }

    /** Grafana's substitution with every variable at "All" (allValue .*) and $__rate_interval for this step. */
    static String substitute(String expr) {
        return expr.replace("$namespace", ".*").replace("$pod", ".*").replace("$group", ".*")
                .replace("$__rate_interval", RATE_INTERVAL);
    }

    static Map<String, Object> dashboard() {
        try {
            return map(new ObjectMapper().readValue(Files.readString(Monitoring.dashboardFile(ROOT)), Object.class));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<Map<String, Object>> panels() {
        List<Map<String, Object>> panels = new ArrayList<>();
        for (Object p : list(dashboard().get("panels"))) {
            Map<String, Object> panel = map(p);
            if (!"row".equals(panel.get("type"))) {
                panels.add(panel);
            }
            if (panel.get("panels") != null) {
                list(panel.get("panels")).forEach(inner -> panels.add(map(inner)));
            }
        }
        return panels;
    }

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern NOT_NAMES = Pattern.compile("\\{[^}]*}|\\[[^]]*]|\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![0-9.$\\w])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
            "or", "unless", "offset", "inf", "nan");

    /** The metric names a PromQL expression selects. */
    static Set<String> metricNames(String expr) {
        String s = NOT_NAMES.matcher(STRINGS.matcher(expr).replaceAll("\"\"")).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group().toLowerCase())) {
                names.add(m.group());
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
