package io.safelock.inventory.it;

import io.safelock.testsupport.FreePorts;
import io.safelock.testsupport.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Starts replicas of the packaged service (target/quarkus-app/quarkus-run.jar) as separate JVMs, in parallel. */
final class Replicas {

    private Replicas() {
    }

    static Path jar() {
        String configured = System.getProperty("inventory.runner.jar");
        return configured != null ? Path.of(configured) : Path.of("target/quarkus-app/quarkus-run.jar");
    }

    static List<ServiceProcess> start(int count, Map<String, String> properties) {
        List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "inventory-" + i;
            int port = FreePorts.one();
            starting.add(CompletableFuture.supplyAsync(() -> ServiceProcess.start(name, jar(), port, properties, Duration.ofSeconds(90))));
        }
        List<ServiceProcess> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<ServiceProcess> future : starting) {
            try {
                started.add(future.join());
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            started.forEach(ServiceProcess::kill);
            throw failure;
        }
        return started;
    }

}
