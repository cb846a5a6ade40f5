package io.safelock.chaos.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The suite's own little network: a bridge with a private /24 that exists only on this machine, and one
 * network namespace per lock node and service replica, joined to the bridge by a veth pair. The root
 * namespace holds the bridge's first address, where the suite itself, PostgreSQL, RabbitMQ and the
 * counter data Redis are reached. Nothing is routed off the machine: the bridge has no uplink.
 *
 * <p>Partitions are blackhole routes inside the namespaces (both directions), delay and loss are
 * {@code tc netem} on a namespace's interface; {@link #heal()} removes both.
 */
public final class Network implements AutoCloseable {

    public static final String PREFIX = "slchaos-";
    private static final String BRIDGE = "slchaos0";
    private static final String SUBNET = "10.213.77.";

    private final Consumer<String> say;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String[]> blackholes = new ArrayList<>();
    private final List<Host> shaped = new ArrayList<>();

    private Network(Consumer<String> say) {
        this.say = say;
    }

    /**
     * Why namespaces cannot be used here, or null when they can: needs root and {@code ip netns}.
     */
    public static String unavailableReason() {
        if (!"0".equals(Shell.attempt(List.of("id", "-u")).output())) {
            return "not running as root";
        }
        Shell.Result probe = Shell.attempt(List.of("ip", "netns", "add", PREFIX + "probe"));
        if (probe.exit() != 0) {
            return "ip netns add failed: " + probe.output();
        }
        Shell.attempt(List.of("ip", "netns", "del", PREFIX + "probe"));
        Shell.Result tc = Shell.attempt(List.of("tc", "-V"));
        if (tc.exit() != 0) {
            return "tc (iproute2) missing: " + tc.output();
        }
        return null;
    }

    /** Why {@code tc netem} cannot be used (the kernel lacks sch_netem), or null when it can; needs namespaces. */
    public static String netemUnavailableReason() {
        String namespace = PREFIX + "probe";
        if (Shell.attempt(List.of("ip", "netns", "add", namespace)).exit() != 0) {
            return "no namespaces";
        }
        try {
            Shell.Result netem = Shell.attempt(List.of("ip", "netns", "exec", namespace, "tc", "qdisc", "add", "dev", "lo", "root",
                    "netem", "delay", "1ms"));
            return netem.exit() == 0 ? null : "tc netem: " + netem.output();
        } finally {
            Shell.attempt(List.of("ip", "netns", "del", namespace));
        }
    }

    /** Creates the bridge, after removing what a previous, killed run of the suite may have left. */
    public static Network create(Consumer<String> say) {
        Network network = new Network(say);
        network.removeLeftovers();
        Shell.run(List.of("ip", "link", "add", BRIDGE, "type", "bridge"));
        Shell.run(List.of("ip", "addr", "add", rootAddress() + "/24", "dev", BRIDGE));
        Shell.run(List.of("ip", "link", "set", BRIDGE, "up"));
        say.accept("network: bridge " + BRIDGE + " " + SUBNET + "0/24, root namespace " + rootAddress());
        return network;
    }

    /** The root namespace's address on the bridge: the suite, PostgreSQL, RabbitMQ, counter Redis. */
    public static String rootAddress() {
        return SUBNET + "1";
    }

    /** A new namespace for one process, with address {@code 10.213.77.<octet>}. */
    public synchronized Host add(String name, int octet) {
        String namespace = PREFIX + name;
        String address = SUBNET + octet;
        String outside = "slc" + octet;
        String inside = "slc" + octet + "i";
        Shell.run(List.of("ip", "netns", "add", namespace));
        Shell.run(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", inside));
        Shell.run(List.of("ip", "link", "set", inside, "netns", namespace));
        Shell.run(List.of("ip", "link", "set", outside, "master", BRIDGE));
        Shell.run(List.of("ip", "link", "set", outside, "up"));
        Host host = new Host(name, namespace, address);
        Shell.run(host.wrap(List.of("ip", "link", "set", "lo", "up")));
        Shell.run(host.wrap(List.of("ip", "link", "set", inside, "name", "eth0")));
        Shell.run(host.wrap(List.of("ip", "addr", "add", address + "/24", "dev", "eth0")));
        Shell.run(host.wrap(List.of("ip", "link", "set", "eth0", "up")));
        hosts.put(name, host);
        return host;
    }

    /** Cuts every host of {@code side} off from every host of {@code other}, both directions. */
    public synchronized void cut(Set<Host> side, Set<Host> other) {
        for (Host a : side) {
            for (Host b : other) {
                blackhole(a, b.address());
                blackhole(b, a.address());
            }
        }
    }

    private void blackhole(Host from, String to) {
        if (from.namespace() == null) {
            throw new IllegalStateException(from.name() + " is not in a namespace of its own");
        }
        Shell.run(from.wrap(List.of("ip", "route", "add", "blackhole", to + "/32")));
        blackholes.add(new String[] {from.namespace(), to});
    }

    /** Delay (mean ± jitter) and loss on everything the host sends. */
    public synchronized void degrade(Host host, int delayMs, int jitterMs, int lossPercent) {
        Shell.run(host.wrap(List.of("tc", "qdisc", "replace", "dev", "eth0", "root", "netem",
                "delay", delayMs + "ms", jitterMs + "ms", "loss", lossPercent + "%")));
        shaped.add(host);
    }

    /** Removes every partition and every netem qdisc. */
    public synchronized void heal() {
        for (String[] route : blackholes) {
            Shell.attempt(List.of("ip", "netns", "exec", route[0], "ip", "route", "del", "blackhole", route[1] + "/32"));
        }
        blackholes.clear();
        for (Host host : shaped) {
            Shell.attempt(host.wrap(List.of("tc", "qdisc", "del", "dev", "eth0", "root")));
        }
        shaped.clear();
    }

    @Override
    public synchronized void close() {
        heal();
        for (Host host : hosts.values()) {
            Shell.attempt(List.of("ip", "netns", "del", host.namespace()));
        }
        hosts.clear();
        Shell.attempt(List.of("ip", "link", "del", BRIDGE));
        say.accept("network: namespaces and bridge removed");
    }

    /** Namespaces and the bridge of this suite only (by their own prefix), from a run that was killed. */
    private void removeLeftovers() {
        for (String line : Shell.attempt(List.of("ip", "netns", "list")).output().split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(PREFIX)) {
                Shell.attempt(List.of("ip", "netns", "del", name));
                say.accept("network: removed namespace " + name + " left by an earlier run");
            }
        }
        if (Shell.attempt(List.of("ip", "link", "show", BRIDGE)).exit() == 0) {
            Shell.attempt(List.of("ip", "link", "del", BRIDGE));
        }
    }
}
