package io.safelock.chaos.cluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What to start.
 *
 * @param root       the repository root (packaged services under {@code <module>/target/quarkus-app})
 * @param runDir     data, logs and pid files of everything started
 * @param namespaces put each lock node and replica in a network namespace of its own
 * @param leaseTtl   lock lease TTL of both services (short, so pauses past it are quick to provoke)
 * @param clock      the library that lets the nemesis move a lock node's clock, or null (no clock jumps)
 */
public record ClusterSpec(Path root, Path runDir, int lockNodes, int inventoryReplicas, int counterReplicas,
                          boolean namespaces, Duration leaseTtl, ClockShift clock) {
}
