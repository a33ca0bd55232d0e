#!/usr/bin/env bash
# Builds the Pod Security Admission reference oracle (main.go, k8s.io/pod-security-admission
# v0.37.2; it also reads YAML as kubectl does, k8s.io/apimachinery v0.37.2) to
# test/.work/bin/psa-oracle, if its inputs changed (test/build-go-oracle.sh).
# A cold build takes about 1.5 CPU-minutes; later builds reuse Go's build cache.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../build-go-oracle.sh" "$here" psa-oracle
