#!/usr/bin/env bash
# Builds one of the Go reference oracles (a main package in its own Go module under test/) to
# test/.work/bin/NAME. Idempotent: skips the build when the binary was built from the same
# main.go, go.mod, go.sum and Go version. Usage: build-go-oracle.sh MODULE_DIR NAME
#
# Needs only Go (>= 1.26, the k8s.io v0.37 modules require it) and the Go module proxy configured
# in the environment (GOPROXY); go.sum is committed, so no checksum database is consulted.
set -euo pipefail

here="$(cd "$1" && pwd)"
name="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="$root/test/.work/bin"
bin="$out_dir/$name"
stamp="$bin.stamp"

if ! command -v go >/dev/null 2>&1; then
  echo "$name: 'go' is not on PATH; install Go >= 1.26 to build the oracle" >&2
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
  echo "$name: up to date ($bin)"
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
printf '%s: built %s in %.1fs (%s)\n' "$name" "$bin" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" "$("$bin" --version)"
