package io.safelock.demo.story;

import io.safelock.demo.http.Http;

/**
 * A few requests on every path before the story: a replica's first requests load classes and open
 * connections, and a cold replica would arrive late to a race whose window is 100 ms.
 */
final class Warmup {

    private Warmup() {
    }

    static void run(Http http, Purchases purchases, Counters counters, Progress progress) {
        progress.step("..", "warming up every replica (a few purchases and increments each)");
        purchases.reset(SeedScenario.PRODUCT, 1_000);
        for (String replica : purchases.replicas()) {
            for (String route : new String[] {"without-lock", "with-lock"}) {
                for (int i = 0; i < 3; i++) {
                    http.post(replica + "/purchase/" + route + "/" + SeedScenario.PRODUCT + "?delayMs=0", "{\"quantity\": 1}");
                }
            }
            http.get(replica + "/stock/" + SeedScenario.PRODUCT);
        }
        for (String replica : counters.replicas()) {
            for (String mode : new String[] {"unsafe", "locked", "atomic", "queued"}) {
                counters.increment(replica, "demo-warmup", mode);
            }
        }
    }
}
