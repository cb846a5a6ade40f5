package io.safelock.lock;

/**
 * Who holds a lease, stored with the lock on the nodes so that any replica can answer: the service,
 * the replica (pod name), the host and a caller-supplied label (for inventory, the order request id).
 */
public record LockOwner(String service, String replica, String host, String label) {

    /**
     * This process: service from {@code LOCK_OWNER_SERVICE}, else the name given to
     * {@link #nameThisService} (the Quarkus integration passes {@code quarkus.application.name}), else the
     * system property {@code quarkus.application.name}; replica from {@code HOSTNAME} (the pod name in
     * Kubernetes) or the process id, host from the local host name.
     */
    public static LockOwner thisProcess(String label) {
        LockOwner process = PROCESS;
        return new LockOwner(process.service, process.replica, process.host, label == null ? "" : label);
    }

    private static volatile LockOwner PROCESS = detect();

    /** Names the service this process runs, unless {@code LOCK_OWNER_SERVICE} says otherwise. */
    public static void nameThisService(String service) {
        if (service != null && !service.isBlank() && firstOf(System.getenv("LOCK_OWNER_SERVICE")).isEmpty()) {
            LockOwner detected = PROCESS;
            PROCESS = new LockOwner(service, detected.replica, detected.host, "");
        }
    }

    private static LockOwner detect() {
        String service = firstOf(System.getenv("LOCK_OWNER_SERVICE"), System.getProperty("quarkus.application.name"), "unknown");
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        String replica = firstOf(System.getenv("HOSTNAME"), Long.toString(ProcessHandle.current().pid()), "unknown");
        return new LockOwner(service, replica, host, "");
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return "";
    }

    /** service/replica@host[label], for logs. */
    public String display() {
        return service + "/" + replica + "@" + host + (label.isEmpty() ? "" : "[" + label + "]");
    }
}
