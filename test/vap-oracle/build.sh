#!/usr/bin/env bash
# Builds the ValidatingAdmissionPolicy reference oracle (main.go: k8s.io/apiserver v0.37.2's
# ValidatingAdmissionPolicy plugin, its CEL type checker and cost estimator) to
# test/.work/bin/vap-oracle, if its inputs changed (test/build-go-oracle.sh).
# A cold build takes about 4.5 CPU-minutes (k8s.io/apiserver, client-go, cel-go; 4.5 minutes of
# wall time measured on a busy 2-core machine); later builds reuse Go's build cache.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../build-go-oracle.sh" "$here" vap-oracle
