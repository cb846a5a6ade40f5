package io.safelock.counter.config;

import jakarta.inject.Singleton;

/** This process's replica name: {@code counter.replica-name}, by default the host name (see {@link ReplicaNameDefault}). */
@Singleton
public class Replica {

    private final String name;

    public Replica(CounterConfig config) {
        this.name = config.replicaName().filter(n -> !n.isBlank()).orElseGet(ReplicaNameDefault::hostName);
    }

    public String name() {
        return name;
    }
}
