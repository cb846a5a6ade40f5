package io.safelock.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Structural checks every rendering of the chart must pass, whatever the values. Collects every
 * problem before failing so that one run shows all of them.
 */
final class ManifestChecks {

    /** What a rendering is expected to contain. */
    record Expect(String release, String namespace, int redisNodes, int inventoryReplicas, int counterReplicas,
                  boolean postgresql, boolean rabbitmq, boolean counterRedis, String monitoring,
                  boolean networkPolicy, boolean redisPersistence) {

        static Expect defaults() {
            return new Expect(Project.RELEASE, Project.NAMESPACE, 5, 2, 2, true, true, true, "builtin", false, true);
        }

        String prefix() {
            return release.contains("safelock") ? release : release + "-safelock";
        }
    }

    static final Set<String> REQUIRED_LABELS = Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
            "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
            "app.kubernetes.io/version", "helm.sh/chart");

    static final List<String> INVENTORY_ENV = List.of("QUARKUS_HTTP_PORT", "QUARKUS_DATASOURCE_REACTIVE_URL",
            "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
            "RABBITMQ_HOST", "RABBITMQ_PORT", "RABBITMQ_USERNAME", "RABBITMQ_PASSWORD", "INVENTORY_PROCESSING_DELAY",
            "INVENTORY_SEED_ENABLED", "INVENTORY_PURCHASE_PROCESSING_DELAY", "INVENTORY_SAMPLE_DATA_ENABLED", "LOCK_REDIS_NODES", "LOCK_REDIS_PASSWORD", "LOCK_LEASE_TTL",
            "LOCK_WAIT_TIMEOUT", "LOCK_REDIS_NODE_TIMEOUT", "ADMIN_TOKEN");

    static final List<String> COUNTER_ENV = List.of("QUARKUS_HTTP_PORT", "QUARKUS_REDIS_HOSTS", "LOCK_REDIS_NODES",
            "LOCK_REDIS_PASSWORD", "RABBITMQ_HOST", "RABBITMQ_PORT", "RABBITMQ_USERNAME", "RABBITMQ_PASSWORD",
            "COUNTER_REPLICA_NAME", "ADMIN_TOKEN");

    private final Manifests m;
    private final Expect expect;
    private final List<String> problems = new ArrayList<>();

    private ManifestChecks(Manifests m, Expect expect) {
        this.m = m;
        this.expect = expect;
    }

    static void verify(Manifests manifests, Expect expect) {
        ManifestChecks checks = new ManifestChecks(manifests, expect);
        checks.run();
        if (!checks.problems.isEmpty()) {
            throw new AssertionError(checks.problems.size() + " problem(s) in the rendered manifests:\n  "
                    + String.join("\n  ", checks.problems));
        }
    }

    private void problem(String text) {
        problems.add(text);
    }

    private void run() {
        uniqueNamesAndLabels();
        m.workloads().forEach(this::workloadBasics);
        m.all(Service.class).forEach(this::serviceMatchesPods);
        m.all(PodDisruptionBudget.class).forEach(this::pdbMatchesPods);
        referencedObjectsExist();
        redisLockNodes();
        serviceDeployment("inventory-service", expect.inventoryReplicas(), 8080, INVENTORY_ENV);
        serviceDeployment("counter-service", expect.counterReplicas(), 8081, COUNTER_ENV);
        backingServices();
        monitoring();
        networkPolicies();
    }

    private String name(String component) {
        return expect.prefix() + "-" + component;
    }

    private void uniqueNamesAndLabels() {
        Set<String> seen = new HashSet<>();
        for (HasMetadata r : m.resources) {
            String id = r.getKind() + "/" + r.getMetadata().getName();
            if (!seen.add(id)) {
                problem(id + " is defined twice");
            }
            if (!expect.namespace().equals(r.getMetadata().getNamespace())) {
                problem(id + " has namespace " + r.getMetadata().getNamespace() + ", expected " + expect.namespace());
            }
            Map<String, String> labels = Objects.requireNonNullElse(r.getMetadata().getLabels(), Map.of());
            Set<String> missing = new HashSet<>(REQUIRED_LABELS);
            missing.removeAll(labels.keySet());
            if (!missing.isEmpty()) {
                problem(id + " lacks the standard labels " + missing);
            }
            if (!expect.release().equals(labels.get("app.kubernetes.io/instance"))) {
                problem(id + " has app.kubernetes.io/instance=" + labels.get("app.kubernetes.io/instance"));
            }
        }
    }

    private void workloadBasics(Manifests.Workload w) {
        String id = w.kind() + "/" + w.name();
        if (!w.selectedBy(w.selector())) {
            problem(id + ": selector " + w.selector() + " does not match its pod labels " + w.podLabels());
        }
        var spec = w.template().getSpec();
        PodSecurityContext pod = spec.getSecurityContext();
        Set<String> volumes = Objects.requireNonNullElse(spec.getVolumes(), List.<Volume>of()).stream()
                .map(Volume::getName).collect(Collectors.toSet());
        if (w.resource() instanceof StatefulSet sts && sts.getSpec().getVolumeClaimTemplates() != null) {
            sts.getSpec().getVolumeClaimTemplates().forEach(t -> volumes.add(t.getMetadata().getName()));
        }
        w.allContainers().forEach(c -> {
            String cid = id + " container " + c.getName();
            image(cid, c.getImage());
            resources(cid, c.getResources());
            securityContext(cid, pod, c.getSecurityContext());
            Objects.requireNonNullElse(c.getVolumeMounts(), List.<io.fabric8.kubernetes.api.model.VolumeMount>of())
                    .forEach(mount -> {
                        if (!volumes.contains(mount.getName())) {
                            problem(cid + " mounts volume " + mount.getName() + " that the pod does not define");
                        }
                    });
        });
        for (Container c : spec.getContainers()) {
            if (c.getReadinessProbe() == null || c.getLivenessProbe() == null) {
                problem(id + " container " + c.getName() + " needs readiness and liveness probes");
            }
            for (Probe p : probes(c)) {
                portOfProbe(id + " container " + c.getName(), c, p);
            }
        }
    }

    private static List<Probe> probes(Container c) {
        return java.util.stream.Stream.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())
                .filter(Objects::nonNull).toList();
    }

    private void portOfProbe(String cid, Container c, Probe p) {
        IntOrString port = p.getHttpGet() != null ? p.getHttpGet().getPort()
                : p.getTcpSocket() != null ? p.getTcpSocket().getPort() : null;
        if (port != null && findPort(c, port) == null) {
            problem(cid + ": probe port " + portText(port) + " is not a container port");
        }
    }

    private void image(String cid, String image) {
        if (image == null || image.isBlank()) {
            problem(cid + " has no image");
            return;
        }
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        if (!lastSegment.contains(":") && !image.contains("@sha256:")) {
            problem(cid + " image " + image + " has no tag (means latest)");
        } else if (image.endsWith(":latest")) {
            problem(cid + " image " + image + " uses the latest tag");
        }
    }

    private void resources(String cid, ResourceRequirements resources) {
        if (resources == null) {
            problem(cid + " has no resources");
            return;
        }
        Map<String, Quantity> requests = Objects.requireNonNullElse(resources.getRequests(), Map.of());
        Map<String, Quantity> limits = Objects.requireNonNullElse(resources.getLimits(), Map.of());
        for (String key : List.of("cpu", "memory")) {
            if (!requests.containsKey(key)) {
                problem(cid + " has no " + key + " request");
            }
        }
        if (!limits.containsKey("memory")) {
            problem(cid + " has no memory limit");
        } else if (requests.containsKey("memory") && Quantity.getAmountInBytes(limits.get("memory"))
                .compareTo(Quantity.getAmountInBytes(requests.get("memory"))) < 0) {
            problem(cid + " has a memory limit below its request");
        }
    }

    private void securityContext(String cid, PodSecurityContext pod, SecurityContext c) {
        if (c == null) {
            problem(cid + " has no securityContext");
            return;
        }
        boolean nonRoot = Boolean.TRUE.equals(c.getRunAsNonRoot()) || (pod != null && Boolean.TRUE.equals(pod.getRunAsNonRoot()));
        if (!nonRoot) {
            problem(cid + " may run as root (runAsNonRoot not set)");
        }
        if (!Boolean.TRUE.equals(c.getReadOnlyRootFilesystem())) {
            problem(cid + " has a writable root filesystem");
        }
        if (!Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) {
            problem(cid + " allows privilege escalation");
        }
        if (c.getCapabilities() == null || c.getCapabilities().getDrop() == null
                || !c.getCapabilities().getDrop().contains("ALL")) {
            problem(cid + " does not drop ALL capabilities");
        }
        if (Boolean.TRUE.equals(c.getPrivileged())) {
            problem(cid + " is privileged");
        }
    }

    private static ContainerPort findPort(Container c, IntOrString port) {
        for (ContainerPort p : Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of())) {
            if (port.getStrVal() != null ? port.getStrVal().equals(p.getName()) : port.getIntVal().equals(p.getContainerPort())) {
                return p;
            }
        }
        return null;
    }

    private static String portText(IntOrString port) {
        return port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    private void serviceMatchesPods(Service service) {
        String id = "Service/" + service.getMetadata().getName();
        Map<String, String> selector = service.getSpec().getSelector();
        List<Manifests.Workload> targets = m.workloads().stream().filter(w -> w.selectedBy(selector)).toList();
        if (targets.isEmpty()) {
            problem(id + ": selector " + selector + " matches no pod template");
            return;
        }
        for (ServicePort port : service.getSpec().getPorts()) {
            IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
            for (Manifests.Workload w : targets) {
                boolean found = w.template().getSpec().getContainers().stream()
                        .anyMatch(c -> findPort(c, target) != null);
                if (!found) {
                    problem(id + " port " + port.getName() + " targets " + portText(target)
                            + ", which no container of " + w.name() + " declares");
                }
            }
        }
    }

    private void pdbMatchesPods(PodDisruptionBudget pdb) {
        Map<String, String> selector = pdb.getSpec().getSelector().getMatchLabels();
        if (m.workloads().stream().noneMatch(w -> w.selectedBy(selector))) {
            problem("PodDisruptionBudget/" + pdb.getMetadata().getName() + " selects no pods: " + selector);
        }
    }

    /** Every ConfigMap, Secret and ServiceAccount a pod refers to is part of the rendering. */
    private void referencedObjectsExist() {
        for (Manifests.Workload w : m.workloads()) {
            var spec = w.template().getSpec();
            if (spec.getServiceAccountName() != null
                    && m.find(io.fabric8.kubernetes.api.model.ServiceAccount.class, spec.getServiceAccountName()).isEmpty()) {
                problem(w.name() + " uses ServiceAccount " + spec.getServiceAccountName() + " that is not rendered");
            }
            for (Volume v : Objects.requireNonNullElse(spec.getVolumes(), List.<Volume>of())) {
                if (v.getConfigMap() != null && m.find(ConfigMap.class, v.getConfigMap().getName()).isEmpty()) {
                    problem(w.name() + " mounts ConfigMap " + v.getConfigMap().getName() + " that is not rendered");
                }
            }
            w.allContainers().forEach(c -> {
                for (var env : Objects.requireNonNullElse(c.getEnv(), List.<io.fabric8.kubernetes.api.model.EnvVar>of())) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        var ref = env.getValueFrom().getSecretKeyRef();
                        var secret = m.find(Secret.class, ref.getName());
                        if (secret.isEmpty()) {
                            problem(w.name() + " reads Secret " + ref.getName() + " that is not rendered");
                        } else if (!secret.get().getData().containsKey(ref.getKey())) {
                            problem(w.name() + " reads key " + ref.getKey() + " missing from Secret " + ref.getName());
                        }
                    }
                }
                for (var from : Objects.requireNonNullElse(c.getEnvFrom(), List.<io.fabric8.kubernetes.api.model.EnvFromSource>of())) {
                    if (from.getConfigMapRef() != null && m.find(ConfigMap.class, from.getConfigMapRef().getName()).isEmpty()) {
                        problem(w.name() + " loads ConfigMap " + from.getConfigMapRef().getName() + " that is not rendered");
                    }
                }
            });
        }
    }

    /** The expected LOCK_REDIS_NODES: every lock pod by its stable DNS name, nothing else. */
    static List<String> expectedLockNodes(Expect expect) {
        String sts = expect.prefix() + "-redis";
        String headless = sts + "-headless";
        return IntStream.range(0, expect.redisNodes())
                .mapToObj(i -> "redis://" + sts + "-" + i + "." + headless + "." + expect.namespace()
                        + ".svc.cluster.local:6379")
                .toList();
    }

    private void redisLockNodes() {
        String stsName = name("redis");
        var sts = m.find(StatefulSet.class, stsName);
        if (sts.isEmpty()) {
            problem("no Redis lock StatefulSet " + stsName);
            return;
        }
        var spec = sts.get().getSpec();
        if (spec.getReplicas() == null || spec.getReplicas() != expect.redisNodes()) {
            problem(stsName + " has " + spec.getReplicas() + " pods, expected " + expect.redisNodes());
        }
        String headlessName = name("redis-headless");
        if (!headlessName.equals(spec.getServiceName())) {
            problem(stsName + " serviceName is " + spec.getServiceName() + ", expected " + headlessName);
        }
        m.find(headlessName).ifPresentOrElse(svc -> {
            if (!"None".equals(svc.getSpec().getClusterIP())) {
                problem(headlessName + " is not headless (clusterIP " + svc.getSpec().getClusterIP() + ")");
            }
            if (!m.workload(stsName).selectedBy(svc.getSpec().getSelector())) {
                problem(headlessName + " does not select the Redis lock pods");
            }
        }, () -> problem("no headless Service " + headlessName + " for the Redis lock pods"));

        int quorum = expect.redisNodes() / 2 + 1;
        var pdb = m.find(PodDisruptionBudget.class, stsName);
        if (pdb.isEmpty()) {
            problem("no PodDisruptionBudget for the Redis lock nodes");
        } else {
            IntOrString max = pdb.get().getSpec().getMaxUnavailable();
            if (max == null || max.getIntVal() == null || max.getIntVal() != expect.redisNodes() - quorum) {
                problem("Redis PodDisruptionBudget maxUnavailable " + (max == null ? null : portText(max))
                        + ", expected " + (expect.redisNodes() - quorum) + " (nodes " + expect.redisNodes()
                        + " - quorum " + quorum + ")");
            }
        }
        var affinity = spec.getTemplate().getSpec().getAffinity();
        if (affinity == null || affinity.getPodAntiAffinity() == null
                || affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null
                || affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty()) {
            problem(stsName + " has no preferred pod anti-affinity");
        }
        String conf = m.get(ConfigMap.class, stsName).getData().get("redis.conf");
        if (conf == null) {
            problem("ConfigMap " + stsName + " has no redis.conf");
        } else {
            for (String line : List.of("appendonly yes", "appendfsync always", "maxmemory-policy noeviction")) {
                if (!conf.lines().map(String::trim).toList().contains(line)) {
                    problem("redis.conf of the lock nodes lacks \"" + line + "\"");
                }
            }
            if (conf.contains("replicaof") || conf.contains("slaveof")) {
                problem("lock nodes must be independent masters, but redis.conf configures replication");
            }
        }
        boolean hasPvc = spec.getVolumeClaimTemplates() != null && !spec.getVolumeClaimTemplates().isEmpty();
        if (hasPvc != expect.redisPersistence()) {
            problem(stsName + (hasPvc ? " has" : " lacks") + " a PersistentVolumeClaim template");
        }
        if (!expect.redisPersistence()) {
            var init = spec.getTemplate().getSpec().getInitContainers();
            if (init == null || init.isEmpty()) {
                problem(stsName + " without persistence needs the delayed start init container");
            }
        }
        Container redis = m.workload(stsName).container("redis");
        if (redis.getArgs() == null || !redis.getArgs().contains("--requirepass")) {
            problem(stsName + " does not require a password");
        }
    }

    private void serviceDeployment(String component, int replicas, int port, List<String> requiredEnv) {
        String depName = name(component);
        Manifests.Workload w;
        try {
            w = m.workload(depName);
        } catch (AssertionError e) {
            problem(e.getMessage());
            return;
        }
        if (!"Deployment".equals(w.kind())) {
            problem(depName + " should be a Deployment");
        }
        if (!Objects.equals(w.replicas(), replicas)) {
            problem(depName + " has " + w.replicas() + " replicas, expected " + replicas);
        }
        Container c = w.container(component);
        ContainerPort http = findPort(c, new IntOrString("http"));
        if (http == null || http.getContainerPort() != port) {
            problem(depName + " should expose container port http=" + port);
        }
        Map<String, String> probePaths = Map.of("startup", "/q/health/started", "readiness", "/q/health/ready",
                "liveness", "/q/health/live");
        Map<String, Probe> probes = new java.util.HashMap<>();
        probes.put("startup", c.getStartupProbe());
        probes.put("readiness", c.getReadinessProbe());
        probes.put("liveness", c.getLivenessProbe());
        probePaths.forEach((kind, path) -> {
            Probe p = probes.get(kind);
            HTTPGetAction get = p == null ? null : p.getHttpGet();
            if (get == null || !path.equals(get.getPath())) {
                problem(depName + " " + kind + " probe should GET " + path + ", is " + (get == null ? "missing" : get.getPath()));
            } else if (findPort(c, get.getPort()) == null) {
                problem(depName + " " + kind + " probe port " + portText(get.getPort()) + " is not a container port");
            }
        });
        var annotations = Objects.requireNonNullElse(w.template().getMetadata().getAnnotations(), Map.<String, String>of());
        if (!"true".equals(annotations.get("prometheus.io/scrape")) || !"/q/metrics".equals(annotations.get("prometheus.io/path"))
                || !String.valueOf(port).equals(annotations.get("prometheus.io/port"))) {
            problem(depName + " lacks Prometheus scrape annotations for /q/metrics on " + port + ": " + annotations);
        }
        var spread = w.template().getSpec().getTopologySpreadConstraints();
        if (spread == null || spread.isEmpty() || !w.selectedBy(spread.get(0).getLabelSelector().getMatchLabels())) {
            problem(depName + " has no topology spread constraint over its own pods");
        }
        if (m.all(PodDisruptionBudget.class).stream().noneMatch(p -> w.selectedBy(p.getSpec().getSelector().getMatchLabels()))) {
            problem(depName + " has no PodDisruptionBudget");
        }
        boolean tmp = Objects.requireNonNullElse(c.getVolumeMounts(), List.<io.fabric8.kubernetes.api.model.VolumeMount>of())
                .stream().anyMatch(v -> "/tmp".equals(v.getMountPath()));
        if (!tmp) {
            problem(depName + " has a read-only root filesystem but no writable /tmp");
        }
        Map<String, String> env = m.environment(c);
        for (String key : requiredEnv) {
            if (!env.containsKey(key)) {
                problem(depName + " lacks env " + key);
            }
        }
        if (!String.valueOf(port).equals(env.get("QUARKUS_HTTP_PORT"))) {
            problem(depName + " QUARKUS_HTTP_PORT=" + env.get("QUARKUS_HTTP_PORT") + " but the container port is " + port);
        }
        String nodes = env.get("LOCK_REDIS_NODES");
        List<String> expected = expectedLockNodes(expect);
        if (nodes == null || !List.of(nodes.split(",")).equals(expected)) {
            problem(depName + " LOCK_REDIS_NODES=" + nodes + "\n    expected exactly the lock pods " + expected);
        } else {
            // every named pod must exist: ordinal below the StatefulSet's replica count
            m.find(StatefulSet.class, name("redis")).ifPresent(sts -> {
                if (sts.getSpec().getReplicas() != expected.size()) {
                    problem(depName + " names " + expected.size() + " lock nodes but the StatefulSet runs "
                            + sts.getSpec().getReplicas());
                }
            });
        }
        if (nodes != null && nodes.contains("@")) {
            problem(depName + " LOCK_REDIS_NODES carries a password; it belongs in LOCK_REDIS_PASSWORD");
        }
        if (env.containsKey("ADMIN_TOKEN") && !String.valueOf(env.get("ADMIN_TOKEN")).startsWith("<secret ")) {
            problem(depName + " ADMIN_TOKEN should come from a Secret: " + env.get("ADMIN_TOKEN"));
        }
        if (!("<secret " + redisSecret() + "/password>").equals(env.get("LOCK_REDIS_PASSWORD"))) {
            problem(depName + " LOCK_REDIS_PASSWORD should come from Secret " + redisSecret() + ": " + env.get("LOCK_REDIS_PASSWORD"));
        }
        if (component.equals("counter-service")) {
            if (!"<field metadata.name>".equals(env.get("COUNTER_REPLICA_NAME"))) {
                problem(depName + " COUNTER_REPLICA_NAME should be the pod name (downward API)");
            }
            String hosts = env.get("QUARKUS_REDIS_HOSTS");
            if (expect.counterRedis() && (hosts == null || !hosts.startsWith("redis://:$(COUNTER_REDIS_PASSWORD)@" + name("counter-redis") + "-0."))) {
                problem(depName + " QUARKUS_REDIS_HOSTS should point at " + name("counter-redis") + "-0: " + hosts);
            }
        }
    }

    private String redisSecret() {
        return name("redis");
    }

    private void backingServices() {
        checkPresent(StatefulSet.class, name("postgresql"), expect.postgresql());
        checkPresent(StatefulSet.class, name("rabbitmq"), expect.rabbitmq());
        checkPresent(StatefulSet.class, name("counter-redis"), expect.counterRedis());
    }

    private void monitoring() {
        boolean builtin = "builtin".equals(expect.monitoring());
        checkPresent(io.fabric8.kubernetes.api.model.apps.Deployment.class, name("prometheus"), builtin);
        checkPresent(io.fabric8.kubernetes.api.model.apps.Deployment.class, name("grafana"), builtin);
        boolean operator = "operator".equals(expect.monitoring());
        checkPresent(io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class, name("services"), operator);
        checkPresent(io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class, name("alerts"), operator);
        checkPresent(ConfigMap.class, name("dashboard"), operator);
    }

    private void networkPolicies() {
        List<NetworkPolicy> policies = m.all(NetworkPolicy.class);
        if (!expect.networkPolicy()) {
            if (!policies.isEmpty()) {
                problem("NetworkPolicies rendered although networkPolicy.enabled is false");
            }
            return;
        }
        Map<String, Set<String>> allowed = new java.util.LinkedHashMap<>();
        allowed.put("redis", Set.of("inventory-service", "counter-service"));
        if (expect.counterRedis()) {
            allowed.put("counter-redis", Set.of("counter-service"));
        }
        if (expect.postgresql()) {
            allowed.put("postgresql", Set.of("inventory-service"));
        }
        if (expect.rabbitmq()) {
            allowed.put("rabbitmq", Set.of("inventory-service", "counter-service"));
        }
        allowed.forEach((target, from) -> {
            var policy = policies.stream().filter(p -> target.equals(
                    p.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component"))).findFirst();
            if (policy.isEmpty()) {
                problem("no NetworkPolicy protects " + target);
                return;
            }
            Set<String> admitted = new HashSet<>();
            for (var rule : policy.get().getSpec().getIngress()) {
                for (var peer : rule.getFrom()) {
                    if (peer.getNamespaceSelector() != null || peer.getIpBlock() != null) {
                        problem("NetworkPolicy for " + target + " admits a namespace or IP block");
                    }
                    var sel = peer.getPodSelector();
                    if (sel == null || sel.getMatchExpressions() == null) {
                        problem("NetworkPolicy for " + target + " admits pods without a component restriction");
                        continue;
                    }
                    sel.getMatchExpressions().stream().filter(e -> e.getKey().equals("app.kubernetes.io/component"))
                            .forEach(e -> admitted.addAll(e.getValues()));
                }
            }
            if (!admitted.equals(from)) {
                problem("NetworkPolicy for " + target + " admits " + admitted + ", expected " + from);
            }
        });
    }

    private <T extends HasMetadata> void checkPresent(Class<T> type, String name, boolean expected) {
        boolean present = m.find(type, name).isPresent();
        if (present != expected) {
            problem(type.getSimpleName() + " " + name + (expected ? " is missing" : " should not be rendered"));
        }
    }
}
