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
 * <p>Partitions are blackhole routes inside the namespaces (both directions). Loss is an iptables
 * {@code statistic} rule dropping a share of what a namespace sends; delay is a {@link DelayingProxy} that a
 * namespace's connections to a lock node are redirected through (iptables DNAT), because {@code tc netem}
 * needs the kernel's sch_netem, which not every kernel has. {@link #heal()} removes all of it.
 */
public final class Network implements AutoCloseable {

    public static final String PREFIX = "slchaos-";
    private static final String BRIDGE = "slchaos0";
    private static final String SUBNET = "10.213.77.";

    private final Consumer<String> say;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String[]> blackholes = new ArrayList<>();
    private final Set<Host> filtered = new java.util.LinkedHashSet<>();
    private final List<DelayingProxy> proxies = new ArrayList<>();

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

    /**
     * Why loss and delay cannot be injected (no iptables, or its statistic match or DNAT do not work in a
     * namespace), or null when they can; needs namespaces.
     */
    public static String lossAndDelayUnavailableReason() {
        String namespace = PREFIX + "probe";
        if (Shell.attempt(List.of("ip", "netns", "add", namespace)).exit() != 0) {
            return "no namespaces";
        }
        try {
            for (List<String> rule : List.of(
                    List.of("iptables", "-A", "OUTPUT", "-o", "lo", "-m", "statistic", "--mode", "random", "--probability", "0.1", "-j", "DROP"),
                    List.of("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", "10.0.0.1/32", "--dport", "1", "-j", "DNAT",
                            "--to-destination", "127.0.0.1:2"),
                    List.of("iptables", "-A", "OUTPUT", "-p", "tcp", "-d", "10.0.0.1/32", "-j", "REJECT", "--reject-with", "tcp-reset"))) {
                List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
                command.addAll(rule);
                Shell.Result result = Shell.attempt(command);
                if (result.exit() != 0) {
                    return String.join(" ", rule.subList(0, Math.min(6, rule.size()))) + "…: " + result.output()
                            + " (scripts/ensure-infra.sh netns installs iptables)";
                }
            }
            return null;
        } finally {
            Shell.attempt(List.of("ip", "netns", "del", namespace));
        }
    }

    /** Whether {@code tc netem} works here (it needs the kernel's sch_netem); for the report only. */
    public static boolean netemAvailable() {
        String namespace = PREFIX + "probe";
        if (Shell.attempt(List.of("ip", "netns", "add", namespace)).exit() != 0) {
            return false;
        }
        try {
            return Shell.attempt(List.of("ip", "netns", "exec", namespace, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"))
                    .exit() == 0;
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

    /** Drops {@code percent} % of the packets the host sends, at random (iptables statistic match). */
    public synchronized void loseOutgoing(Host host, int percent) {
        Shell.run(host.wrap(List.of("iptables", "-A", "OUTPUT", "-o", "eth0", "-m", "statistic", "--mode", "random",
                "--probability", String.format(java.util.Locale.ROOT, "%.2f", percent / 100.0), "-j", "DROP")));
        filtered.add(host);
    }

    /**
     * Sends {@code from}'s TCP connections to {@code to}:{@code port} through a delaying proxy: new connections
     * are redirected to the proxy (DNAT), open ones are reset so that they reconnect through it.
     */
    public synchronized void delayVia(Host from, Host to, int port, int delayMs, int jitterMs, long seed) {
        DelayingProxy proxy = new DelayingProxy(rootAddress(), to.address(), port, delayMs, jitterMs, seed);
        proxies.add(proxy);
        String target = to.address() + "/32";
        Shell.run(from.wrap(List.of("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", target, "--dport", Integer.toString(port),
                "-j", "DNAT", "--to-destination", rootAddress() + ":" + proxy.port())));
        // the filter table sees redirected packets with their new destination: only the old connections match
        Shell.run(from.wrap(List.of("iptables", "-A", "OUTPUT", "-p", "tcp", "-d", target, "--dport", Integer.toString(port),
                "-j", "REJECT", "--reject-with", "tcp-reset")));
        filtered.add(from);
    }

    /** Removes every partition, loss rule and redirect, and closes the delaying proxies (their connections reconnect directly). */
    public synchronized void heal() {
        for (String[] route : blackholes) {
            Shell.attempt(List.of("ip", "netns", "exec", route[0], "ip", "route", "del", "blackhole", route[1] + "/32"));
        }
        blackholes.clear();
        for (Host host : filtered) {
            Shell.attempt(host.wrap(List.of("iptables", "-F", "OUTPUT")));
            Shell.attempt(host.wrap(List.of("iptables", "-t", "nat", "-F", "OUTPUT")));
        }
        filtered.clear();
        proxies.forEach(DelayingProxy::close);
        proxies.clear();
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
