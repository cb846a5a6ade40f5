{{/*
prometheus.yml of the built-in Prometheus. Targets are this release's pods that carry
prometheus.io/scrape: "true" (the two services); each series gets namespace, pod and service labels,
the same names the Prometheus Operator gives, so the dashboard and the rules work in both modes.
*/}}
{{- define "safelock.prometheus.config" -}}
global:
  scrape_interval: {{ .Values.monitoring.scrapeInterval }}
  evaluation_interval: {{ .Values.monitoring.scrapeInterval }}
rule_files:
  - /etc/prometheus/lock-alerts.yaml
scrape_configs:
  - job_name: safelock-services
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names:
            - {{ .Release.Namespace }}
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        action: keep
        regex: "true"
      - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_instance]
        action: keep
        regex: {{ .Release.Name | quote }}
      - source_labels: [__meta_kubernetes_pod_phase]
        action: keep
        regex: Running
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
        action: replace
        regex: (.+)
        target_label: __metrics_path__
      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
        action: replace
        regex: '([^:]+)(?::\d+)?;(\d+)'
        replacement: '$1:$2'
        target_label: __address__
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
      - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_component]
        target_label: service
        replacement: {{ printf "%s-$1" (include "safelock.fullname" .) | quote }}
{{- end -}}
