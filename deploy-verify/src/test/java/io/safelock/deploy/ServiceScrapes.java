package io.safelock.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The real GET /q/metrics output the services' own tests save to <service>/target/metrics/q-metrics.txt.
 * A metric name the dashboard or the alert rules use must appear there.
 */
final class ServiceScrapes {

    static final List<String> SERVICES = List.of("inventory-service", "counter-service");

    /** Metric names per service whose module exists in the repository. */
    final Map<String, Set<String>> namesByService = new LinkedHashMap<>();
    /** Service modules not in the repository (yet): their metrics cannot be checked. */
    final List<String> absentModules;

    private ServiceScrapes(List<String> absentModules) {
        this.absentModules = absentModules;
    }

    static Path scrapeFile(String service) {
        return Project.root().resolve(service).resolve("target/metrics/q-metrics.txt");
    }

    /** Reads the scrape of every service module that exists; fails clearly when one was not produced. */
    static ServiceScrapes load() {
        List<String> absent = SERVICES.stream().filter(s -> !Files.exists(Project.root().resolve(s).resolve("pom.xml"))).toList();
        ServiceScrapes scrapes = new ServiceScrapes(absent);
        for (String service : SERVICES) {
            if (absent.contains(service)) {
                continue;
            }
            Path file = scrapeFile(service);
            if (!Files.isRegularFile(file)) {
                throw new AssertionError(file + " is missing. The " + service + " tests write the real /q/metrics scrape "
                        + "there and the dashboard check reads it: run the full build (scripts/test.sh, or "
                        + "./mvnw verify from the repository root) rather than this module alone.");
            }
            scrapes.namesByService.put(service, parse(Project.read(file)));
        }
        return scrapes;
    }

    static Set<String> parse(String exposition) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : exposition.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("#")) {
                // HELP/TYPE lines name families, not series: only samples prove a query finds data.
                continue;
            }
            int end = 0;
            while (end < trimmed.length() && trimmed.charAt(end) != '{' && !Character.isWhitespace(trimmed.charAt(end))) {
                end++;
            }
            names.add(trimmed.substring(0, end));
        }
        return names;
    }

    /** The service that must expose a metric, or empty when any service's lock-common metrics will do. */
    static Optional<String> owner(String metric) {
        if (metric.startsWith("inventory_")) {
            return Optional.of("inventory-service");
        }
        if (metric.startsWith("counter_")) {
            return Optional.of("counter-service");
        }
        return Optional.empty();
    }

    /** null when the metric is found; otherwise why not. Unknown ownership absent from all modules -> "unchecked". */
    String problem(String metric) {
        Optional<String> owner = owner(metric);
        if (owner.isPresent()) {
            if (absentModules.contains(owner.get())) {
                return "unchecked";
            }
            return namesByService.get(owner.get()).contains(metric) ? null
                    : "not in " + scrapeFile(owner.get());
        }
        if (namesByService.isEmpty()) {
            return "unchecked";
        }
        return namesByService.values().stream().anyMatch(n -> n.contains(metric)) ? null
                : "not in any of " + namesByService.keySet().stream().map(ServiceScrapes::scrapeFile).toList();
    }
}
