#!/usr/bin/env bash
# Validates deploy/kubernetes/ without a cluster (.ci/run calls it): every object against the Kubernetes API
# schemas and as a typed literal of its model (unknown fields are errors), with the npm packages pinned in
# deploy/test/node/package-lock.json (kubernetes-models, @kubernetes-models/prometheus-operator, typescript).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=ci-lib.sh
. "$here/ci-lib.sh"
ci_install node npm
cd "$here/node"
[ -d node_modules ] && npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error
node validate-kubernetes.mjs "$root"/deploy/kubernetes/*.yaml "$root"/deploy/kubernetes/optional/*.yaml
