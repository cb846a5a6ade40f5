package io.safelock.lock.metrics;

import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One structured line per lock event (acquired, released, extended, lost, failed), key=value, on the
 * log category {@code io.safelock.lock.events} at INFO. Turn it down with the logging configuration,
 * e.g. {@code quarkus.log.category."io.safelock.lock.events".level=WARN}: losses stay visible (WARN).
 * <p>
 * Lines are built by concatenation, not printf-style formatting: at a thousand locks a second the
 * formatter was most of the logging's cost on the event loop.
 */
public final class LockEvents {

    public static final String CATEGORY = "io.safelock.lock.events";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    /** Who holds, as logged: the pod (HOSTNAME) or process id and host name. */
    public static final String PROCESS = processName();

    private LockEvents() {
    }

    private static String processName() {
        String pod = System.getenv("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return ProcessHandle.current().pid() + "@" + java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return Long.toString(ProcessHandle.current().pid());
        }
    }

    public static void acquired(String lock, String kind, Object token, String holder, long waitedMs, int attempts) {
        if (LOG.isInfoEnabled()) {
            LOG.info("event=acquired lock=" + lock + " kind=" + kind + " token=" + token + " holder=" + holder + " waited_ms=" + waitedMs
                    + " attempts=" + attempts);
        }
    }

    public static void released(String lock, String kind, Object token, String holder, long heldMs, boolean stillOwned) {
        if (LOG.isInfoEnabled()) {
            LOG.info("event=released lock=" + lock + " kind=" + kind + " token=" + token + " holder=" + holder + " held_ms=" + heldMs
                    + (stillOwned ? " owned=true" : " owned=false note=\"lease had expired or was taken over\""));
        }
    }

    public static void extended(String lock, String kind, Object token, String holder, long ttlMs) {
        if (LOG.isInfoEnabled()) {
            LOG.info("event=extended lock=" + lock + " kind=" + kind + " token=" + token + " holder=" + holder + " ttl_ms=" + ttlMs);
        }
    }

    public static void lost(String lock, String kind, Object token, String holder, String reason) {
        LOG.warnf("event=lost lock=%s kind=%s token=%s holder=%s reason=\"%s\"", lock, kind, token, holder, reason);
    }

    /** An acquire that ended without the lock: outcome busy, timeout or quorum_unavailable. */
    public static void failed(String lock, String kind, String holder, String outcome, long waitedMs, int attempts, Map<String, String> failedNodes) {
        if (LOG.isInfoEnabled()) {
            LOG.infof("event=failed lock=%s kind=%s holder=%s outcome=%s waited_ms=%d attempts=%d failed_nodes=%s", lock, kind, holder,
                    outcome, waitedMs, attempts, failedNodes.isEmpty() ? "-" : String.join(",", failedNodes.keySet()));
        }
    }
}
