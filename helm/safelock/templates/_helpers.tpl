{{/* Chart name, shortened to the 63 characters a label value may have. */}}
{{- define "safelock.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Prefix of every resource name. Release "safelock" gives "safelock"; release "demo" gives
"demo-safelock". Kept to 40 characters so that "<prefix>-redis-headless" and pod names stay valid.
*/}}
{{- define "safelock.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "safelock.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every resource. Call with (dict "root" $ "component" "redis"). */}}
{{- define "safelock.labels" -}}
helm.sh/chart: {{ include "safelock.chart" .root }}
{{ include "safelock.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: safelock
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The stable subset used in selectors: never add labels here that change between upgrades. */}}
{{- define "safelock.selectorLabels" -}}
app.kubernetes.io/name: {{ include "safelock.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* image reference; refuses "latest" so that what runs is what was built and loaded. */}}
{{- define "safelock.image" -}}
{{- $image := .image -}}
{{- if eq (toString $image.tag) "latest" -}}
{{- fail (printf "%s.image.tag: \"latest\" is not allowed; pin a version such as 1.0.0 so that kind-loaded images and rollbacks are reproducible" .key) -}}
{{- end -}}
{{- printf "%s:%s" $image.repository (toString $image.tag) -}}
{{- end -}}

{{- define "safelock.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* ---------- Redis lock nodes ---------- */}}

{{- define "safelock.redis.fullname" -}}
{{- printf "%s-redis" (include "safelock.fullname" .) -}}
{{- end -}}

{{- define "safelock.redis.headless" -}}
{{- printf "%s-redis-headless" (include "safelock.fullname" .) -}}
{{- end -}}

{{- define "safelock.redis.secretName" -}}
{{- default (include "safelock.redis.fullname" .) .Values.redis.auth.existingSecret -}}
{{- end -}}

{{/* Majority of the lock nodes: a lock is granted only when this many nodes agree. */}}
{{- define "safelock.redis.quorum" -}}
{{- add (div (int .Values.redis.nodes) 2) 1 -}}
{{- end -}}

{{/*
LOCK_REDIS_NODES: one password-free URI per lock pod, by its stable DNS name. The password travels
separately in LOCK_REDIS_PASSWORD from the Secret, so the list is safe to keep in a ConfigMap.
*/}}
{{- define "safelock.redis.nodeUris" -}}
{{- $name := include "safelock.redis.fullname" . -}}
{{- $headless := include "safelock.redis.headless" . -}}
{{- $uris := list -}}
{{- range $i := until (int .Values.redis.nodes) -}}
{{- $uris = append $uris (printf "redis://%s-%d.%s.%s.svc.%s:6379" $name $i $headless $.Release.Namespace $.Values.clusterDomain) -}}
{{- end -}}
{{- join "," $uris -}}
{{- end -}}

{{/* ---------- counter data Redis ---------- */}}

{{- define "safelock.counterRedis.fullname" -}}
{{- printf "%s-counter-redis" (include "safelock.fullname" .) -}}
{{- end -}}

{{- define "safelock.counterRedis.secretName" -}}
{{- default (include "safelock.counterRedis.fullname" .) .Values.counterRedis.auth.existingSecret -}}
{{- end -}}

{{/* ---------- PostgreSQL ---------- */}}

{{- define "safelock.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "safelock.fullname" .) -}}
{{- end -}}

{{- define "safelock.postgresql.secretName" -}}
{{- default (include "safelock.postgresql.fullname" .) .Values.postgresql.auth.existingSecret -}}
{{- end -}}

{{- define "safelock.postgresql.host" -}}
{{- if .Values.postgresql.enabled -}}
{{- printf "%s.%s.svc.%s" (include "safelock.postgresql.fullname" .) .Release.Namespace .Values.clusterDomain -}}
{{- else -}}
{{- required "postgresql.external.host is required when postgresql.enabled is false (the inventory database the services should use)" .Values.postgresql.external.host -}}
{{- end -}}
{{- end -}}

{{- define "safelock.postgresql.port" -}}
{{- if .Values.postgresql.enabled -}}5432{{- else -}}{{ .Values.postgresql.external.port }}{{- end -}}
{{- end -}}

{{/* ---------- RabbitMQ ---------- */}}

{{- define "safelock.rabbitmq.fullname" -}}
{{- printf "%s-rabbitmq" (include "safelock.fullname" .) -}}
{{- end -}}

{{- define "safelock.rabbitmq.secretName" -}}
{{- default (include "safelock.rabbitmq.fullname" .) .Values.rabbitmq.auth.existingSecret -}}
{{- end -}}

{{- define "safelock.rabbitmq.host" -}}
{{- if .Values.rabbitmq.enabled -}}
{{- printf "%s.%s.svc.%s" (include "safelock.rabbitmq.fullname" .) .Release.Namespace .Values.clusterDomain -}}
{{- else -}}
{{- required "rabbitmq.external.host is required when rabbitmq.enabled is false (the broker the services should use)" .Values.rabbitmq.external.host -}}
{{- end -}}
{{- end -}}

{{- define "safelock.rabbitmq.port" -}}
{{- if .Values.rabbitmq.enabled -}}5672{{- else -}}{{ .Values.rabbitmq.external.port }}{{- end -}}
{{- end -}}

{{/* ---------- monitoring ---------- */}}

{{- define "safelock.builtinMonitoring" -}}
{{- if and .Values.monitoring.enabled (eq .Values.monitoring.mode "builtin") -}}true{{- end -}}
{{- end -}}

{{- define "safelock.operatorMonitoring" -}}
{{- if and .Values.monitoring.enabled (eq .Values.monitoring.mode "operator") -}}true{{- end -}}
{{- end -}}

{{/* The admin token of both services (admin routes: resets, race experiments). */}}
{{- define "safelock.admin.secretName" -}}
{{- default (printf "%s-admin" (include "safelock.fullname" .)) .Values.admin.existingSecret -}}
{{- end -}}

{{- define "safelock.grafana.secretName" -}}
{{- default (printf "%s-grafana" (include "safelock.fullname" .)) .Values.monitoring.grafana.existingSecret -}}
{{- end -}}

{{/*
Shared pieces of a service Deployment. Call with
(dict "root" $ "key" "inventory" "component" "inventory-service").
*/}}
{{- define "safelock.service.name" -}}
{{- printf "%s-%s" (include "safelock.fullname" .root) .component -}}
{{- end -}}

{{/* emptyDir for /tmp: the root filesystem is read-only and the JVM and Vert.x write caches there. */}}
{{- define "safelock.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}
