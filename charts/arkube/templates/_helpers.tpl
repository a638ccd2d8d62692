{{/* Short name used as a prefix of every object; one release per namespace (the ServiceAccount and
Lease names are contracts with the components, see operator/README.md). */}}
{{- define "arkube.fullname" -}}
{{- if contains "arkube" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-arkube" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "arkube.labels" -}}
app.kubernetes.io/name: arkube
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: arkube
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "cu"). */}}
{{- define "arkube.selectorLabels" -}}
app.kubernetes.io/name: arkube
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "arkube.componentLabels" -}}
{{ include "arkube.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Image of a component: call with (dict "ctx" $ "image" .Values.cu.image). */}}
{{- define "arkube.image" -}}
{{- $g := .ctx.Values.image -}}
{{- $tag := .image.tag | default $g.tag | default .ctx.Chart.AppVersion -}}
{{- if $g.registry -}}
{{- printf "%s/%s:%s" $g.registry .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The chart's default HashChain: its vdf Deployment, ConfigMap and Lease are <name>-vdf. */}}
{{- define "arkube.hashChainName" -}}
{{- .Values.vdf.hashChain.name | default (include "arkube.fullname" .) -}}
{{- end -}}

{{- define "arkube.defaultHashChainConfigMap" -}}
{{- printf "%s-default-hashchain" (include "arkube.fullname" .) -}}
{{- end -}}

{{- define "arkube.natsName" -}}
{{- printf "%s-nats" (include "arkube.fullname" .) -}}
{{- end -}}

{{/* The NATS client URL every component dials. */}}
{{- define "arkube.natsUrl" -}}
{{- if eq .Values.nats.mode "external" -}}
{{- required "nats.external.url is required when nats.mode is external" .Values.nats.external.url -}}
{{- else -}}
{{- printf "nats://%s.%s.svc:%d" (include "arkube.natsName" .) .Release.Namespace (int .Values.nats.clientPort) -}}
{{- end -}}
{{- end -}}

{{/* Pod-level environment every arkube component gets (downward API). */}}
{{- define "arkube.podEnv" -}}
- name: POD_NAME
  valueFrom: { fieldRef: { fieldPath: metadata.name } }
- name: POD_NAMESPACE
  valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
- name: POD_IP
  valueFrom: { fieldRef: { fieldPath: status.podIP } }
- name: NODE_NAME
  valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
{{- end -}}

{{/* Container command of a component configured by a file: the placeholders __POD_NAME__, __POD_IP__,
__NODE_NAME__ and __WALLET_SEED_HEX__ in the mounted config are replaced with this pod's values and the
Secret's seed (quoted, so an all-digit value stays a string; __POD_IP__ only appears inside "ip:port") (the components read plain files and know nothing of Kubernetes), then the entry point runs
with --config. Call with the entry point path, e.g. "cu/main.ts". */}}
{{- define "arkube.launch" -}}
- sh
- -c
- >-
  sed -e "s/__POD_NAME__/'${POD_NAME}'/g" -e "s/__POD_IP__/${POD_IP}/g" -e "s/__NODE_NAME__/'${NODE_NAME}'/g"
  -e "s/__WALLET_SEED_HEX__/'${WALLET_SEED_HEX}'/g"
  /etc/arkube/config.yaml > /tmp/arkube-config.yaml &&
  exec node --import tsx {{ . }} --config /tmp/arkube-config.yaml
{{- end -}}

{{- define "arkube.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "arkube.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end -}}
