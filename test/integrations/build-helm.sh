#!/usr/bin/env bash
# Builds the real Helm CLI from the Go module proxy to test/.work/bin/helm, for the Helm
# post-renderer tests (test/integrations/helm-post-render.test.ts). Idempotent: skips the build
# when the binary was built from the same Helm version by the same Go and this same script (the
# stamp file). Usage: build-helm.sh [VERSION]  (default below; HELM_VERSION in the environment too)
#
# Needs only Go (>= 1.26: Helm v3.21 and v4.3 require it) and the Go module proxy (GOPROXY). Helm's
# own go.sum pins every dependency; its module is checked against the checksum database, which the
# default proxy serves. A cold build (empty module and build caches) took 2m46s of wall time on a
# 2-core machine (measured: Helm v3.21.4, go1.26.8, 165 s of it the build); later builds reuse Go's caches.
set -euo pipefail

version="${1:-${HELM_VERSION:-v3.21.4}}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out_dir="$root/test/.work/bin"
bin="$out_dir/helm"
stamp="$bin.stamp"

if ! command -v go >/dev/null 2>&1; then
  echo "helm: 'go' is not on PATH; install Go >= 1.25 to build Helm $version" >&2
  exit 1
fi

major="${version%%.*}"
want="$({ go version; echo "helm.sh/helm/$major@$version"; cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -d' ' -f1)"
if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "helm: up to date ($bin, $version)"
  exit 0
fi

mkdir -p "$out_dir"
tmp="$(mktemp -d "$out_dir/helm-build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
# -mod=mod: `go install pkg@version` builds the module with its own go.mod and go.sum.
# -s -w and the -X flag are what Helm's Makefile sets: no symbol table, and `helm version` says $version.
# GOTOOLCHAIN=local: never download another Go toolchain.
GOBIN="$tmp" GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false -trimpath" \
  go install -ldflags "-s -w -X helm.sh/helm/$major/internal/version.version=$version" "helm.sh/helm/$major/cmd/helm@$version"
mv -f "$tmp/helm" "$bin"
echo "$want" >"$stamp"
end=$(date +%s.%N)
printf 'helm: built %s in %.1fs (%s)\n' "$bin" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" "$("$bin" version --short)"
