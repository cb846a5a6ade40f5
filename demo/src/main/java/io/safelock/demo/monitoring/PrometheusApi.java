package io.safelock.demo.monitoring;

import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Prometheus HTTP API (/api/v1): instant and range queries, alerts, targets, rules. */
public final class PrometheusApi {

    /** One series of a query result: its labels and its samples (one for an instant query). */
    public record Series(Map<String, String> labels, List<double[]> samples) {

        public double last() {
            return samples.get(samples.size() - 1)[1];
        }

        public double max() {
            return samples.stream().mapToDouble(s -> s[1]).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        }
    }

    private final String baseUrl;
    private final Http http = new Http(Duration.ofSeconds(20));

    public PrometheusApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public List<Series> query(String expr) {
        return series(data("/api/v1/query?query=" + encode(expr)));
    }

    /** Range query over [start, end] (epoch seconds) with the given step. */
    public List<Series> queryRange(String expr, double start, double end, Duration step) {
        return series(data("/api/v1/query_range?query=" + encode(expr) + "&start=" + start + "&end=" + end
                + "&step=" + step.toMillis() / 1000.0));
    }

    /** Values of a label over the series a selector matches (Grafana's label_values(selector, label)). */
    @SuppressWarnings("unchecked")
    public List<String> labelValues(String label, String selector) {
        return ((List<Object>) data("/api/v1/label/" + label + "/values?match[]=" + encode(selector))).stream()
                .map(Object::toString).toList();
    }

    /** Active alerts (pending or firing): name, state, labels. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> alerts() {
        return (List<Map<String, Object>>) ((Map<String, Object>) data("/api/v1/alerts")).get("alerts");
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> activeTargets() {
        return (List<Map<String, Object>>) ((Map<String, Object>) data("/api/v1/targets?state=active")).get("activeTargets");
    }

    /** Every rule Prometheus loaded: group name → rules (name, query, type, health, lastError). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> rules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<Object>) ((Map<String, Object>) data("/api/v1/rules")).get("groups")) {
            rules.addAll((List<Map<String, Object>>) ((Map<String, Object>) group).get("rules"));
        }
        return rules;
    }

    /** A single number: the first series' value of an instant query, NaN when there is none. */
    public double scalar(String expr) {
        List<Series> result = query(expr);
        return result.isEmpty() ? Double.NaN : result.get(0).last();
    }

    @SuppressWarnings("unchecked")
    private Object data(String path) {
        Reply reply = http.get(baseUrl + path);
        if (reply.status() != 200) {
            throw new IllegalStateException("Prometheus " + path + ": HTTP " + reply.status() + " " + reply.body());
        }
        Map<String, Object> body = reply.json();
        if (!"success".equals(body.get("status"))) {
            throw new IllegalStateException("Prometheus " + path + ": " + body);
        }
        return body.get("data");
    }

    @SuppressWarnings("unchecked")
    private static List<Series> series(Object data) {
        Map<String, Object> result = (Map<String, Object>) data;
        List<Series> out = new ArrayList<>();
        String type = (String) result.get("resultType");
        if (type.equals("scalar")) {
            out.add(new Series(Map.of(), List.of(sample((List<Object>) result.get("result")))));
            return out;
        }
        for (Object item : (List<Object>) result.get("result")) {
            Map<String, Object> s = (Map<String, Object>) item;
            Map<String, String> labels = new java.util.TreeMap<>();
            ((Map<String, Object>) s.get("metric")).forEach((k, v) -> labels.put(k, v.toString()));
            List<double[]> samples = new ArrayList<>();
            if (s.containsKey("value")) {
                samples.add(sample((List<Object>) s.get("value")));
            } else {
                ((List<Object>) s.get("values")).forEach(v -> samples.add(sample((List<Object>) v)));
            }
            out.add(new Series(labels, samples));
        }
        return out;
    }

    private static double[] sample(List<Object> pair) {
        // whole seconds come as a JSON integer, anything else as a decimal
        double t = ((Number) pair.get(0)).doubleValue();
        String v = pair.get(1).toString();
        return new double[] {t, switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        }};
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

}
