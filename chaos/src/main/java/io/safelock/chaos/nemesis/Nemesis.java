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

    private final List<String> observations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Map<String, ReplicaLog> logs = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean faultConfirmed = true;
    private final List<String> overlaps = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The workload of the schedule about to run, its hottest product and its locked counter. */
    public void attach(Workload workload, String product, String lockedCounter) {
        this.workload = workload;
        this.product = product;
        this.lockedCounter = lockedCounter;
        specialOps.clear();
        observations.clear();
        overlaps.clear();
        watchers.clear();
        faultConfirmed = true;
        for (Cluster.Replica replica : cluster.replicas()) {
            logs.computeIfAbsent(replica.name(), n -> new ReplicaLog(replica.process().log())).mark();
        }
    }

    /** The lock names the services use: {@code product:<id>} and {@code counter:<name>}. */
    public static String productLock(String productId) {
        return "product:" + productId;
    }

    public static String counterLock(String counter) {
        return "counter:" + counter;
    }

    /** The key lock-common keeps a lock under on every node (services' key prefix {@code lock:}). */
    public static String lockKey(String lock) {
        return "lock:{" + lock + "}";
    }

    /** What the nemesis saw while injecting: goes into the report beside the verdicts. */
    public void observe(String what) {
        observations.add("[" + workload.now() + " ms] " + what);
        say("observed: " + what);
    }

    /** A fault that could not be shown to be in place as the schedule says (the report marks it). */
    public void unconfirmed(String what) {
        faultConfirmed = false;
        observe("NOT CONFIRMED: " + what);
    }

    public List<String> observations() {
        watchers.forEach(thread -> {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return List.copyOf(observations);
    }

    /** Two holders of one lock seen at once on the nodes (empty unless a watcher saw one); call after {@link #observations()}. */
    public List<String> overlappingHolds() {
        return List.copyOf(overlaps);
    }

    public boolean faultConfirmed() {
        return faultConfirmed;
    }

    /** The fencing token of an unended lease on {@code lock} in the replica's own log since the schedule began. */
    public java.util.Optional<Long> heldBy(Cluster.Replica replica, String lock) {
        return logs.get(replica.name()).heldToken(lock);
    }

    /** Summary of the lock's key across the nodes: the owner on most nodes, on how many, with what TTL left. */
    public record Quorum(String owner, int nodes, long minPttlMs, List<Cluster.NodeLockState> states) {
        public String shortOwner() {
            return owner == null ? "none" : owner.length() > 8 ? owner.substring(0, 8) + "…" : owner;
        }

        public boolean majority(int of) {
            return owner != null && nodes > of / 2;
        }

        public String describe(int of) {
            return owner == null ? "no live key on any node"
                    : "owner " + shortOwner() + " on " + nodes + "/" + of + " nodes (" + states.stream()
                    .filter(s -> owner.equals(s.owner())).map(s -> s.node() + " " + s.pttlMs() + " ms").toList() + ")";
        }
    }

    public Quorum lockOnNodes(String lock) {
        List<Cluster.NodeLockState> states = cluster.lockState(lockKey(lock));
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        states.stream().filter(s -> s.owner() != null && s.pttlMs() > 0).forEach(s -> counts.merge(s.owner(), 1L, Long::sum));
        String owner = counts.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey).orElse(null);
        long min = states.stream().filter(s -> owner != null && owner.equals(s.owner())).mapToLong(Cluster.NodeLockState::pttlMs).min().orElse(-2);
        return new Quorum(owner, owner == null ? 0 : counts.get(owner).intValue(), min, states);
    }

    /**
     * Waits (up to {@code within}) until {@code replica}'s log shows it holding {@code lock}, then SIGSTOPs it
     * and confirms from the frozen log and from the lock nodes that it held the lock at that moment: its
     * lease is not ended in its own log and its key is live on a majority of nodes. A process caught just
     * after its lease ended is resumed and caught again. Then follows the key until it goes, in the background.
     */
    public void pauseWhileHolding(Cluster.Replica replica, String lock, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int nodes = cluster.lockNodes().size();
        while (true) {
            while (heldBy(replica, lock).isEmpty() && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(10));
            }
            replica.process().pause();
            java.util.Optional<Long> token = heldBy(replica, lock);
            Quorum quorum = lockOnNodes(lock);
            if (token.isPresent() && quorum.majority(nodes)) {
                observe("SIGSTOP " + replica.name() + " while it holds " + lock + ": its log shows the lease with fencing token "
                        + token.get() + " granted and not ended; " + quorum.describe(nodes));
                followStalledKey(lock, quorum, replica.name());
                return;
            }
            if (System.nanoTime() >= deadline) {
                unconfirmed(replica.name() + " paused without a confirmed hold of " + lock + " (log: "
                        + token.map(t -> "lease " + t + " not ended").orElse("no unended lease") + "; nodes: " + quorum.describe(nodes) + ")");
                return;
            }
            replica.process().resume(); // caught between two leases: let it take the next one
            sleep(Duration.ofMillis(5));
        }
    }

    /**
     * Waits until {@code replica} has held {@code lock} for at least 200 ms by its own log, with its key on a
     * majority of nodes (the nemesis's own long hold, not a worker's brief one); the token, or -1 (recorded).
     */
    public long awaitHold(Cluster.Replica replica, String lock, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int nodes = cluster.lockNodes().size();
        long candidate = -1;
        long since = 0;
        while (System.nanoTime() < deadline) {
            long token = heldBy(replica, lock).orElse(-1L);
            if (token != candidate) {
                candidate = token;
                since = System.nanoTime();
            } else if (token >= 0 && System.nanoTime() - since >= 200_000_000L) {
                Quorum quorum = lockOnNodes(lock);
                if (quorum.majority(nodes) && heldBy(replica, lock).orElse(-1L) == token) {
                    observe(replica.name() + " holds " + lock + " (lease with fencing token " + token + " unended in its log for "
                            + (System.nanoTime() - since) / 1_000_000 + " ms); " + quorum.describe(nodes));
                    return token;
                }
            }
            sleep(Duration.ofMillis(10));
        }
        unconfirmed(replica.name() + " was not seen holding " + lock + " within " + within.toMillis() + " ms");
        return -1;
    }

    /**
     * Moves the nodes' wall clocks forward by {@code jump} at once, checks each node's clock and what became of
     * the held key there, and watches the key for 2 lease TTLs: a different owner on a majority at least 50 ms
     * before the holder's lease {@code token} ended in its own log is a second holder during the first one's hold.
     */
    public void jumpClocks(List<Cluster.LockNode> nodes, Duration jump, Cluster.Replica holder, String lock, long token) {
        int all = cluster.lockNodes().size();
        Quorum before = lockOnNodes(lock);
        List<String> names = nodes.stream().map(Cluster.LockNode::name).toList();
        long jumpedAt = System.currentTimeMillis();
        java.util.Map<String, Duration> offsets = new java.util.HashMap<>();
        for (Cluster.LockNode node : nodes) {
            offsets.put(node.name(), cluster.advanceClock(node, jump));
        }
        Quorum after = lockOnNodes(lock);
        List<String> clocks = new ArrayList<>();
        boolean clocksMoved = true;
        for (Cluster.LockNode node : nodes) {
            try {
                Object seconds = io.safelock.chaos.cluster.Resp.command(node.address(), node.port(), 1_000, "EVAL",
                        "local t = redis.call('TIME') return t[1] .. '.' .. string.format('%06d', t[2])", "0");
                double ahead = Double.parseDouble((String) seconds) - System.currentTimeMillis() / 1000.0;
                clocksMoved &= Math.abs(ahead - offsets.get(node.name()).toMillis() / 1000.0) < 1.0;
                clocks.add(node.name() + String.format(java.util.Locale.ROOT, " %+.1f s", ahead));
            } catch (java.io.IOException | RuntimeException e) {
                clocksMoved = false;
                clocks.add(node.name() + " unreadable (" + e.getMessage() + ")");
            }
        }
        List<String> dropped = new ArrayList<>();
        int heldOnJumped = 0;
        int droppedOnJumped = 0;
        for (int i = 0; i < before.states().size(); i++) {
            Cluster.NodeLockState was = before.states().get(i);
            Cluster.NodeLockState is = after.states().get(i);
            boolean jumped = names.contains(was.node());
            boolean held = before.owner() != null && before.owner().equals(was.owner());
            heldOnJumped += jumped && held ? 1 : 0;
            if (held && !before.owner().equals(is.owner())) {
                dropped.add(was.node() + " (had " + was.pttlMs() + " ms left)");
                droppedOnJumped += jumped ? 1 : 0;
            }
        }
        observe("clock +" + jump.toSeconds() + " s on " + names + " while " + holder.name() + " holds " + lock + "; node clocks vs the suite's: "
                + clocks + "; the holder's key gone at once from " + dropped + "; before: " + before.describe(all) + "; after: " + after.describe(all));
        if (!clocksMoved) {
            unconfirmed("a jumped node's clock is not ahead by its offset " + offsets);
        }
        if (token < 0 || heldOnJumped == 0 || droppedOnJumped < heldOnJumped) {
            unconfirmed("the holder's key was on " + heldOnJumped + " jumped nodes and vanished at once from " + droppedOnJumped);
        }
        String first = before.owner();
        watchers.add(Thread.ofVirtual().start(() -> {
            String second = null;
            long secondAt = -1;
            while (System.currentTimeMillis() - jumpedAt < leaseTtl.multipliedBy(2).toMillis() && second == null) {
                long at = System.currentTimeMillis();
                Quorum now = lockOnNodes(lock);
                if (now.majority(all) && !now.owner().equals(first)) {
                    second = now.describe(all);
                    secondAt = at;
                }
                sleep(Duration.ofMillis(20));
            }
            sleep(leaseTtl); // the holder's log catches up
            java.util.Optional<ReplicaLog.Entry> end = token < 0 ? java.util.Optional.empty() : logs.get(holder.name()).endOf(lock, token);
            String ended = end.map(e -> holder.name() + "'s lease " + token + " ended in its log " + (e.atMs() - jumpedAt)
                    + " ms after the jump: \"" + e.message() + "\"").orElse(holder.name() + "'s lease " + token + " not ended in its log");
            if (second == null) {
                observe(ended + "; no other owner won a majority of " + lock + " within " + leaseTtl.multipliedBy(2).toMillis()
                        + " ms of the jump");
            } else if (end.isEmpty() || end.get().atMs() >= secondAt + 50) {
                long wonAt = secondAt;
                overlaps.add("observed on the lock nodes: " + second + " won " + lock + " " + (secondAt - jumpedAt)
                        + " ms after a clock jump while " + holder.name() + "'s lease " + token + " was unended");
                observe("SECOND HOLDER: " + second + " won " + lock + " " + (secondAt - jumpedAt) + " ms after the jump, "
                        + end.map(e -> (e.atMs() - wonAt) + " ms").orElse("still") + " before " + holder.name()
                        + "'s lease " + token + " ended; " + ended);
            } else {
                observe(ended + "; then " + second + " won " + lock + " " + (secondAt - jumpedAt) + " ms after the jump");
            }
        }));
    }

    /**
     * Times 5 PINGs from a replica's namespace (redis-cli, one connection) to each slowed node and to one
     * untouched node, so the report shows the delay that was really in place.
     */
    public void measureLatency(List<Cluster.LockNode> slowed) {
        Cluster.Replica from = cluster.counter().get(cluster.counter().size() - 1);
        List<Cluster.LockNode> targets = new ArrayList<>(slowed);
        cluster.lockNodes().stream().filter(node -> !slowed.contains(node)).findFirst().ifPresent(targets::add);
        List<String> figures = new ArrayList<>();
        for (Cluster.LockNode node : targets) {
            long started = System.nanoTime();
            Shell.Result pings = Shell.attempt(from.host().wrap(List.of("redis-cli", "-h", node.address(), "-p", Integer.toString(node.port()),
                    "-r", "5", "PING")));
            long ms = (System.nanoTime() - started) / 1_000_000;
            figures.add(node.name() + (slowed.contains(node) ? "" : " (untouched)") + ": " + ms + " ms"
                    + (pings.output().contains("PONG") ? "" : " (" + pings.output() + ")"));
        }
        observe("5 PINGs over one connection from " + from.name() + " (redis-cli start-up included): " + figures);
    }

    /** Follows a key whose holder cannot act: it must stay unextended on the nodes until it expires or is replaced. */
    private void followStalledKey(String lock, Quorum atStop, String holder) {
        long started = System.nanoTime();
        String owner = atStop.owner();
        watchers.add(Thread.ofVirtual().start(() -> {
            long lastPttl = atStop.minPttlMs();
            boolean extended = false;
            Quorum now;
            do {
                sleep(Duration.ofMillis(50));
                now = lockOnNodes(lock);
                if (owner.equals(now.owner())) {
                    extended |= now.minPttlMs() > lastPttl + 50;
                    lastPttl = now.minPttlMs();
                }
            } while (owner.equals(now.owner()) && now.majority(cluster.lockNodes().size())
                    && System.nanoTime() - started < leaseTtl.multipliedBy(3).toNanos());
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (extended || owner.equals(now.owner()) && now.majority(cluster.lockNodes().size())) {
                unconfirmed("the key of " + lock + " held by stopped " + holder + " was extended or outlived 3 TTLs");
            } else {
                observe(lock + ": key of stopped " + holder + " (owner " + owner.substring(0, Math.min(8, owner.length()))
                        + "…) never extended, lost its majority " + ms + " ms after the stop (lease TTL " + leaseTtl.toMillis()
                        + " ms); now " + now.describe(cluster.lockNodes().size()));
            }
        }));
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

    /** {@code count} distinct lock nodes from the seeded sequence, those holding {@code lock}'s key first. */
    public List<Cluster.LockNode> pickNodesHolding(String lock, int count) {
        Quorum quorum = lockOnNodes(lock);
        List<Cluster.LockNode> nodes = new ArrayList<>(cluster.lockNodes());
        java.util.Collections.shuffle(nodes, random);
        nodes.sort(java.util.Comparator.comparing(node -> quorum.states().stream()
                .noneMatch(s -> s.node().equals(node.name()) && quorum.owner() != null && quorum.owner().equals(s.owner()))));
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
        holdProduct(inventory, product, holdMs);
        holdCounter(counter, lockedCounter, thinkMs);
    }

    /** A purchase through {@code inventory} that holds the product's lock {@code holdMs} before writing; not waited for. */
    public void holdProduct(Cluster.Replica inventory, String product, long holdMs) {
        specialOps.add(CompletableFuture.supplyAsync(() -> workload.purchase("nemesis", inventory, Op.Kind.PURCHASE_WITH_LOCK, product, holdMs)));
    }

    /** A locked increment through {@code counter} that holds the counter's lock {@code thinkMs}; not waited for. */
    public void holdCounter(Cluster.Replica counter, String lockedCounter, int thinkMs) {
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
