#!/bin/sh
# Registers every node pod as a registry target and stores the node credential the registry shows
# (once) in the node-credentials Secret, under the pod's name. A pod whose credential is already
# there is skipped; a target that exists without one (the Secret was lost) gets a new credential.
# Inputs: API_URL, ADMIN_TOKEN, CREDENTIALS_SECRET, and TARGETS: lines "name kind region baseUrl labelsJson";
# KUBERNETES_API and SERVICE_ACCOUNT_DIR only where not in a pod (kubernetes-check's test).
set -eu
sa=${SERVICE_ACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}
namespace=$(cat "$sa/namespace")
secret_url="${KUBERNETES_API:-https://kubernetes.default.svc}/api/v1/namespaces/$namespace/secrets/$CREDENTIALS_SECRET"
answer=$(mktemp)
trap 'rm -f "$answer"' EXIT
kube() { curl -sS --fail-with-body --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" "$@"; }
rtml() { curl -sS -o "$answer" -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' "$@"; }

until curl -sf -o /dev/null "$API_URL/actuator/health/readiness"; do echo "waiting for the registry"; sleep 3; done

echo "$TARGETS" | while read -r name kind region base_url labels; do
  [ -n "$name" ] || continue
  stored=$(kube "$secret_url")
  if echo "$stored" | grep -q "\"$name\" *:"; then echo "$name: registered, credential stored"; continue; fi
  code=$(rtml -X POST "$API_URL/api/v1/targets" \
    -d "{\"name\":\"$name\",\"kind\":\"$kind\",\"region\":\"$region\",\"baseUrl\":\"$base_url\",\"labels\":$labels}")
  if [ "$code" = 409 ]; then
    echo "$name: registered before without a stored credential: issuing a new one"
    code=$(rtml -X POST "$API_URL/api/v1/targets/$name/node-credential")
  fi
  credential=$(sed -n 's/.*"nodeCredential":"\([^"]*\)".*/\1/p' "$answer")
  if [ -z "$credential" ]; then echo "$name: registry answered $code: $(cat "$answer")"; exit 1; fi
  kube -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' "$secret_url" \
    -d "{\"stringData\":{\"$name\":\"$credential\"}}"
  echo "$name: registered ($code), credential stored"
done
