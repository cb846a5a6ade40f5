package io.safelock.demo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Where everything runs: the run directory (pid files, logs, Redis data), the five lock node ports, the
 * replicas' ports and the settings they get beyond each service's defaults. {@link #standard} is what
 * {@code scripts/demo.sh} runs; tests build their own plan on free ports and a run directory of their own.
 */
public record DemoPlan(Path root, Path runDir, List<Integer> lockPorts, List<Integer> inventoryPorts, List<Integer> counterPorts,
                       Map<String, String> inventoryEnv, Map<String, String> counterEnv) {

    public static final int LOCK_NODES = 5;
    public static final int FIRST_LOCK_PORT = 7001;
    public static final int FIRST_INVENTORY_PORT = 3000;
    public static final int FIRST_COUNTER_PORT = 3100;

    public DemoPlan {
        root = root.toAbsolutePath().normalize();
        runDir = runDir.toAbsolutePath().normalize();
        lockPorts = List.copyOf(lockPorts);
        inventoryPorts = List.copyOf(inventoryPorts);
        counterPorts = List.copyOf(counterPorts);
        inventoryEnv = Map.copyOf(inventoryEnv);
        counterEnv = Map.copyOf(counterEnv);
    }

    /** The demo on its fixed ports, with the services' own defaults for database, Redis and RabbitMQ. */
    public static DemoPlan standard(Path root, int inventoryReplicas, int counterReplicas,
                                    int firstInventoryPort, int firstCounterPort, int firstLockPort) {
        Map<String, String> inventory = new LinkedHashMap<>();
        inventory.put("DB_URL", "postgresql://127.0.0.1:5432/inventory");
        inventory.put("RABBITMQ_HOST", "127.0.0.1");
        // the demo shows the checkout bound on /buy (row I5); it is off by default (see the inventory README)
        inventory.put("INVENTORY_BUY_MAX_CONCURRENT_CHECKOUTS", "16");
        Map<String, String> counter = new LinkedHashMap<>();
        counter.put("QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:6379");
        counter.put("RABBITMQ_HOST", "127.0.0.1");
        return new DemoPlan(root, root.resolve(".demo"), range(firstLockPort, LOCK_NODES), range(firstInventoryPort, inventoryReplicas),
                range(firstCounterPort, counterReplicas), inventory, counter);
    }

    public static List<Integer> range(int first, int count) {
        return IntStream.range(first, first + count).boxed().toList();
    }

    /** The value of {@code LOCK_REDIS_NODES}: every lock node, so the services use Redlock. */
    public String lockNodes() {
        return String.join(",", lockPorts.stream().map(p -> "redis://127.0.0.1:" + p).toList());
    }

    public Path pidFile(String name) {
        return runDir.resolve("pids").resolve(name + ".pid");
    }

    public Path log(String name) {
        return runDir.resolve("logs").resolve(name + ".log");
    }

    public List<String> inventoryUrls() {
        return inventoryPorts.stream().map(DemoPlan::url).toList();
    }

    public List<String> counterUrls() {
        return counterPorts.stream().map(DemoPlan::url).toList();
    }

    public static String url(int port) {
        return "http://127.0.0.1:" + port;
    }
}
