package io.safelock.chaos.nemesis;

import io.safelock.chaos.cluster.Cluster;
import io.safelock.chaos.cluster.Host;
import io.safelock.chaos.cluster.Shell;
import io.safelock.chaos.history.Op;
import io.safelock.chaos.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Injects faults into the running cluster. Which nodes and replicas it picks comes from a seeded random
 * sequence, so a seed names one schedule exactly (the timing of the operations around it still varies).
 */
public final class Nemesis {

    private final Cluster cluster;
    private final Random random;
    private final Consumer<String> say;
    private final Duration leaseTtl;
    private Workload workload;
    private final List<CompletableFuture<Op>> specialOps = new ArrayList<>();

    public Nemesis(Cluster cluster, long seed, Duration leaseTtl, Consumer<String> say) {
        this.cluster = cluster;
        this.random = new Random(seed);
        this.say = say;
        this.leaseTtl = leaseTtl;
    }

    private String product;
    private String lockedCounter;

    /** The workload of the schedule about to run, its hottest product and its locked counter. */
    public void attach(Workload workload, String product, String lockedCounter) {
        this.workload = workload;
        this.product = product;
        this.lockedCounter = lockedCounter;
        specialOps.clear();
    }

    public String product() {
        return product;
    }

    public String lockedCounter() {
        return lockedCounter;
    }

    public Cluster cluster() {
        return cluster;
    }

    public Duration leaseTtl() {
        return leaseTtl;
    }

    public void say(String what) {
        say.accept("  nemesis: " + what);
    }

    /** {@code count} distinct lock nodes, drawn from the seeded sequence. */
    public List<Cluster.LockNode> pickNodes(int count) {
        List<Cluster.LockNode> nodes = new ArrayList<>(cluster.lockNodes());
        java.util.Collections.shuffle(nodes, random);
        return nodes.subList(0, count);
    }

    public Cluster.Replica pickInventory() {
        return cluster.inventory().get(random.nextInt(cluster.inventory().size()));
    }

    public Cluster.Replica pickCounter() {
        return cluster.counter().get(random.nextInt(cluster.counter().size()));
    }

    /**
     * Sends a purchase that holds the product's lock for {@code holdMs} and a locked increment that holds the
     * counter's lock for {@code thinkMs}, without waiting for them; both land in the history.
     */
    public void startHolding(Cluster.Replica inventory, String product, Cluster.Replica counter, String lockedCounter,
                             long holdMs, int thinkMs) {
        specialOps.add(CompletableFuture.supplyAsync(() -> workload.purchase("nemesis", inventory, Op.Kind.PURCHASE_WITH_LOCK, product, holdMs)));
        specialOps.add(CompletableFuture.supplyAsync(() -> workload.increment("nemesis", counter, lockedCounter, "locked", thinkMs)));
    }

    /** Waits for the nemesis's own operations (each bounded by the client timeout). */
    public List<Op> awaitSpecialOps() {
        return specialOps.stream().map(CompletableFuture::join).toList();
    }

    public static void sleep(Duration duration) {
        Shell.sleep(duration.toMillis());
    }

    public static Set<Host> hosts(List<Cluster.LockNode> nodes) {
        Set<Host> hosts = new HashSet<>();
        nodes.forEach(n -> hosts.add(n.host()));
        return hosts;
    }
}
