#!/usr/bin/env bash
# Builds the Pod Security Admission reference oracle (main.go, k8s.io/pod-security-admission
# v0.37.2; it also reads YAML as kubectl does, k8s.io/apimachinery v0.37.2) to
# test/.work/bin/psa-oracle. Idempotent: skips the build when the binary was built from the same
# main.go, go.mod, go.sum and Go version.
#
# Needs only Go (>= 1.26, the k8s.io v0.37 modules require it) and the Go module proxy configured
# in the environment (GOPROXY); go.sum is committed, so no checksum database is consulted.
# A cold build takes about 1.5 CPU-minutes; later builds reuse Go's build cache.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out_dir="$root/test/.work/bin"
bin="$out_dir/psa-oracle"
stamp="$bin.stamp"

if ! command -v go >/dev/null 2>&1; then
  echo "psa-oracle: 'go' is not on PATH; install Go >= 1.26 to build the oracle" >&2
  exit 1
fi

inputs_hash() {
  {
    go version
    cat "$here/main.go" "$here/go.mod" "$here/go.sum"
  } | sha256sum | cut -d' ' -f1
}

want="$(inputs_hash)"
if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "psa-oracle: up to date ($bin)"
  exit 0
fi

mkdir -p "$out_dir"
start=$(date +%s.%N)
(
  cd "$here"
  # -mod=readonly: go.mod and go.sum are committed and must not change during a build.
  # GOSUMDB=off: go.sum already pins every module; CI reaches only the module proxy.
  # GOTOOLCHAIN=local: never download another Go toolchain.
  GOSUMDB=off GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false -trimpath" \
    go build -o "$bin.tmp" .
)
mv -f "$bin.tmp" "$bin"
echo "$want" >"$stamp"
end=$(date +%s.%N)
printf 'psa-oracle: built %s in %.1fs (%s)\n' "$bin" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" "$("$bin" --version)"
