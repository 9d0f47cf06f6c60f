{{- define "rtml.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "rtml.labels" -}}
app.kubernetes.io/name: rtml
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "rtml.selector" -}}
app.kubernetes.io/name: rtml
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "rtml.secretName" -}}
{{- default (include "rtml.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "rtml.nodeCredentialsSecret" -}}
{{- printf "%s-node-credentials" (include "rtml.fullname" .) -}}
{{- end -}}

{{- define "rtml.registryUrl" -}}
{{- printf "http://%s-registry:%v" (include "rtml.fullname" .) .Values.registry.port -}}
{{- end -}}

{{- /* The headless Service of a node group, which gives each pod a stable DNS name. */ -}}
{{- define "rtml.nodeService" -}}
{{- printf "%s-%s" (include "rtml.fullname" .root) .group.name -}}
{{- end -}}

{{- /* Host names of a group's pods: <pod>.<headless service>.<namespace>.svc.<cluster domain>. */ -}}
{{- define "rtml.nodeHostSuffix" -}}
{{- printf "%s.%s.svc.%s" (include "rtml.nodeService" .) .root.Release.Namespace .root.Values.nodes.clusterDomain -}}
{{- end -}}

{{- define "rtml.image" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{- /* What the registry and the deployers share: the database, S3 and the node-credential key. */ -}}
{{- define "rtml.storageEnv" -}}
- name: SPRING_DATASOURCE_URL
  value: {{ .Values.database.url | quote }}
- name: SPRING_DATASOURCE_USERNAME
  value: {{ .Values.database.username | quote }}
{{- if or .Values.database.password .Values.database.passwordFromSecret }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "rtml.secretName" . }}
      key: database-password
{{- end }}
{{- with .Values.s3.endpoint }}
- name: RTML_S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: RTML_S3_REGION
  value: {{ .Values.s3.region | quote }}
- name: RTML_S3_BUCKET
  value: {{ .Values.s3.bucket | quote }}
- name: RTML_S3_PATH_STYLE
  value: {{ .Values.s3.pathStyle | quote }}
- name: RTML_S3_CREATE_BUCKET
  value: {{ .Values.s3.createBucket | quote }}
{{- if or .Values.s3.accessKey .Values.s3.keysFromSecret }}
- name: RTML_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "rtml.secretName" . }}
      key: s3-access-key
- name: RTML_S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "rtml.secretName" . }}
      key: s3-secret-key
{{- end }}
- name: RTML_NODE_CREDENTIALS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "rtml.secretName" . }}
      key: node-credentials-key
{{- end -}}

{{- define "rtml.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- /* Every node group's pods, as a suffix pattern of rtml.targets.allowed-hosts. */ -}}
{{- define "rtml.allowedNodeHosts" -}}
{{- $root := . -}}
{{- $hosts := list -}}
{{- range .Values.nodes.groups -}}
{{- $hosts = append $hosts (printf "*.%s" (include "rtml.nodeHostSuffix" (dict "root" $root "group" .))) -}}
{{- end -}}
{{- join "," (concat $hosts .Values.registry.targets.extraAllowedHosts) -}}
{{- end -}}
