package io.safelock.demo.local;

import io.safelock.demo.DemoPlan;
import io.safelock.testsupport.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Replicas of the packaged services, each its own JVM ({@code java -jar <module>/target/quarkus-app/quarkus-run.jar})
 * on its own loopback port, configured by environment variables the way a container would be. Started by
 * lock-test-support's {@link ServiceProcess}, detached, and recorded in the run directory's pid files.
 */
public final class Replicas {

    public enum Service {
        INVENTORY("inventory-service", "inventory"),
        COUNTER("counter-service", "counter");

        final String module;
        final String shortName;

        Service(String module, String shortName) {
            this.module = module;
            this.shortName = shortName;
        }

        public String replicaName(int port) {
            return shortName + "-" + port;
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(150);
    /** Relative to the module directory, which each replica runs in. */
    private static final Path RUNNER_JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final DemoPlan plan;
    private final Consumer<String> say;

    public Replicas(DemoPlan plan, Consumer<String> say) {
        this.plan = plan;
        this.say = say;
    }

    /**
     * Starts every replica of the plan at once, then waits until each one is ready. Replicas of an earlier
     * run are stopped first, also those the plan no longer has (fewer replicas than last time).
     */
    public void startAll() {
        stopAll();
        List<ServiceProcess> started = new ArrayList<>();
        for (int port : plan.inventoryPorts()) {
            started.add(start(Service.INVENTORY, port));
        }
        for (int port : plan.counterPorts()) {
            started.add(start(Service.COUNTER, port));
        }
        long t0 = System.nanoTime();
        for (ServiceProcess replica : started) {
            replica.awaitReady(READY_TIMEOUT);
            say.accept(replica.name() + " ready: " + replica.baseUrl());
        }
        say.accept(started.size() + " replicas ready in " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
    }

    private ServiceProcess start(Service service, int port) {
        String name = service.replicaName(port);
        if (Ports.inUse(port)) {
            throw new IllegalStateException("port " + port + " is taken by a process the demo did not start;"
                    + " stop it or choose other ports (--inventory-port FIRST, --counter-port FIRST)");
        }
        // Run from the module directory, as its README does: java -jar target/quarkus-app/quarkus-run.jar
        Path moduleDir = plan.root().resolve(service.module);
        Map<String, String> env = env(service, port);
        // The run-dir property changes nothing in the service; it only makes the demo's JVMs easy to spot in ps.
        ServiceProcess.Launch launch = ServiceProcess.of(name, RUNNER_JAR, port).workDir(moduleDir).env(env)
                .jvmOptions("-Xmx256m").systemProperty("safelock.demo.run-dir", plan.runDir().toString())
                .log(plan.log(name)).detached();
        ServiceProcess process = launch.launch();
        ProcessRecord record = Detached.record(name, process.handle(), launch.command(), plan.pidFile(name));
        say.accept(name + " starting (pid " + record.pid() + "): cd " + service.module + " && " + describe(env)
                + " java -Xmx256m -jar " + RUNNER_JAR);
        return process;
    }

    Map<String, String> env(Service service, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LOCK_REDIS_NODES", plan.lockNodes());
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("ADMIN_TOKEN", AdminToken.of(plan));
        if (service == Service.INVENTORY) {
            env.put("PORT", Integer.toString(port));
            env.putAll(plan.inventoryEnv());
        } else {
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            env.put("COUNTER_REPLICA_NAME", service.replicaName(port));
            env.putAll(plan.counterEnv());
        }
        return env;
    }

    /** The environment as a shell prefix, so the printed line can be pasted to start a replica by hand. */
    private static String describe(Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        env.forEach((k, v) -> out.append(out.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return out.toString();
    }

    /** Stops the replicas recorded in the run directory (not the lock nodes). */
    public int stopAll() {
        int stopped = 0;
        for (ProcessRecord record : DemoCluster.records(plan)) {
            if (!isReplica(record)) {
                continue;
            }
            if (record.stop(Duration.ofSeconds(20))) {
                say.accept("stopped " + record.name() + " (pid " + record.pid() + ")");
                stopped++;
            }
            DemoCluster.forget(plan, record);
        }
        return stopped;
    }

    public static boolean isReplica(ProcessRecord record) {
        for (Service service : Service.values()) {
            if (record.name().startsWith(service.shortName + "-")) {
                return true;
            }
        }
        return false;
    }
}
