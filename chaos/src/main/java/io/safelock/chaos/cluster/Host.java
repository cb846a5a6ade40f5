package io.safelock.chaos.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a process runs: its own network namespace with one address on the suite's bridge, or (without
 * namespaces) the loopback interface of this machine.
 *
 * @param namespace the namespace's name, or null on loopback
 */
public record Host(String name, String namespace, String address) {

    public static Host loopback(String name) {
        return new Host(name, null, "127.0.0.1");
    }

    /** The command prefixed so that it runs inside this host's namespace. */
    public List<String> wrap(List<String> command) {
        if (namespace == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(command);
        return wrapped;
    }
}
