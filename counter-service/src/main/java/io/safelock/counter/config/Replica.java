package io.safelock.counter.config;

import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** This process's replica name: {@code counter.replica-name}, else the host name (the pod name in Kubernetes). */
@Singleton
public class Replica {

    private final String name;

    public Replica(CounterConfig config) {
        this.name = config.replicaName().filter(n -> !n.isBlank()).orElseGet(Replica::hostName);
    }

    public String name() {
        return name;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "replica-" + ProcessHandle.current().pid();
        }
    }
}
