package io.safelock.demo.story;

import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;

/** Reads one replica's own /q/metrics, so a step can check what the replica counted without a Prometheus. */
final class ReplicaMetrics {

    private ReplicaMetrics() {
    }

    /** The sum of every sample of {@code metric} whose labels contain all of {@code labels} (e.g. {@code group="product"}). */
    static double sum(Http http, String replica, String metric, String... labels) {
        Reply reply = http.get(replica + "/q/metrics");
        if (reply.status() != 200) {
            throw new IllegalStateException("GET " + replica + "/q/metrics: HTTP " + reply.status());
        }
        double sum = 0;
        for (String line : reply.body().split("\n")) {
            if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
