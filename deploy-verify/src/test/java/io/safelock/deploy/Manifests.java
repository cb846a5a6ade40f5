package io.safelock.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** A parsed multi-document manifest, every document a typed fabric8 resource with no unknown field. */
final class Manifests {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    final List<HasMetadata> resources;

    private Manifests(List<HasMetadata> resources) {
        this.resources = resources;
    }

    /** Parses strictly: fails on a kind fabric8 does not know, and on any field the model does not know. */
    static Manifests parse(String yaml, String origin) {
        List<HasMetadata> resources = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
                    continue;
                }
                String id = doc.path("kind").asText("?") + "/" + doc.path("metadata").path("name").asText("?");
                KubernetesResource parsed = SERIALIZATION.convertValue(doc, KubernetesResource.class);
                if (parsed instanceof GenericKubernetesResource || !(parsed instanceof HasMetadata resource)) {
                    problems.add(id + ": apiVersion " + doc.path("apiVersion").asText() + " kind "
                            + doc.path("kind").asText() + " is not a known Kubernetes type");
                    continue;
                }
                StrictModel.unknownFields(resource).forEach(p -> problems.add(id + ": unknown field " + p));
                resources.add(resource);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(origin + " is not valid YAML", e);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(origin + " has documents the Kubernetes API would not accept as written:\n  "
                    + String.join("\n  ", problems));
        }
        return new Manifests(resources);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "no " + type.getSimpleName() + " named " + name + "; have " + names(type)));
    }

    List<String> names(Class<? extends HasMetadata> type) {
        return all(type).stream().map(r -> r.getMetadata().getName()).toList();
    }

    /** Deployments and StatefulSets with their pod templates. */
    List<Workload> workloads() {
        List<Workload> out = new ArrayList<>();
        all(Deployment.class).forEach(d -> out.add(new Workload(d, d.getSpec().getSelector().getMatchLabels(),
                d.getSpec().getTemplate(), d.getSpec().getReplicas())));
        all(StatefulSet.class).forEach(s -> out.add(new Workload(s, s.getSpec().getSelector().getMatchLabels(),
                s.getSpec().getTemplate(), s.getSpec().getReplicas())));
        return out;
    }

    Workload workload(String name) {
        return workloads().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment or StatefulSet named " + name));
    }

    Optional<Service> find(String serviceName) {
        return find(Service.class, serviceName);
    }

    /** The environment a container sees: envFrom ConfigMaps first, then env values (secrets resolved to their refs). */
    Map<String, String> environment(Container container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (var from : Objects.requireNonNullElse(container.getEnvFrom(), List.<io.fabric8.kubernetes.api.model.EnvFromSource>of())) {
            if (from.getConfigMapRef() != null) {
                env.putAll(get(ConfigMap.class, from.getConfigMapRef().getName()).getData());
            }
            if (from.getSecretRef() != null) {
                find(Secret.class, from.getSecretRef().getName()).ifPresent(s -> s.getData().keySet()
                        .forEach(k -> env.put(k, "<secret " + s.getMetadata().getName() + "/" + k + ">")));
            }
        }
        for (var var : Objects.requireNonNullElse(container.getEnv(), List.<io.fabric8.kubernetes.api.model.EnvVar>of())) {
            if (var.getValueFrom() == null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom().getSecretKeyRef() != null) {
                var ref = var.getValueFrom().getSecretKeyRef();
                env.put(var.getName(), "<secret " + ref.getName() + "/" + ref.getKey() + ">");
            } else if (var.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = var.getValueFrom().getConfigMapKeyRef();
                env.put(var.getName(), get(ConfigMap.class, ref.getName()).getData().get(ref.getKey()));
            } else if (var.getValueFrom().getFieldRef() != null) {
                env.put(var.getName(), "<field " + var.getValueFrom().getFieldRef().getFieldPath() + ">");
            } else {
                env.put(var.getName(), "<ref>");
            }
        }
        return env;
    }

    record Workload(HasMetadata resource, Map<String, String> selector, PodTemplateSpec template, Integer replicas) {
        String name() {
            return resource.getMetadata().getName();
        }

        String kind() {
            return resource.getKind();
        }

        String component() {
            return resource.getMetadata().getLabels().get("app.kubernetes.io/component");
        }

        Map<String, String> podLabels() {
            return template.getMetadata().getLabels();
        }

        boolean selectedBy(Map<String, String> selector) {
            return selector != null && !selector.isEmpty() && podLabels().entrySet().containsAll(selector.entrySet());
        }

        Stream<Container> allContainers() {
            var spec = template.getSpec();
            return Stream.concat(Objects.requireNonNullElse(spec.getInitContainers(), List.<Container>of()).stream(),
                    spec.getContainers().stream());
        }

        Container container(String name) {
            return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name() + " has no container " + name));
        }
    }
}
