#!/usr/bin/env bash
# Builds runsc, gVisor's OCI runtime, for the gVisor runtime-profile proof (test/runtime/gvisor.test.ts)
# from the Go module proxy: gvisor.dev/gvisor publishes no semver tags, only its `go` branch as
# pseudo-versions, so the version is pinned as one (the go branch of 2026-09-05, after
# release-20260817.0; it holds commit 4886c6690 of 2026-06-09, whose no_new_privs rule the proof observes).
#
#   test/.work/runtime/gvisor/runsc-<version>/runsc   built once per version
#   test/.work/runtime/gvisor/current                 -> the version the test runs
#
# Idempotent: a second run finds the binary and takes 0.1 s. With a warm Go module cache it took
# 1 min 33 s of wall time on a 2-core VM kept busy by other jobs (pure Go, CGO_ENABLED=0).
#
# Another version for a measurement (not what CI runs):
#   KLP_GVISOR_VERSION=v0.0.0-<date>-<commit> bash test/runtime/gvisor/setup.sh
#
# Run as root, after the harness's own setup (test/runtime/setup.sh calls this).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
version="${KLP_GVISOR_VERSION:-v0.0.0-20260905035102-160fafc42237}"
work="$repo/test/.work/runtime/gvisor"
dest="$work/runsc-$version"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds_since() { local ms=$(($(now_ms) - $1)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }

if [[ $(id -u) -ne 0 ]]; then
  echo "setup (gvisor): must run as root (the test runs runsc)" >&2
  exit 1
fi
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
mkdir -p "$work"

start=$(now_ms)
printf 'setup (gvisor): runsc %s (Go module proxy) ... ' "$version"
if [[ ! -x "$dest/runsc" ]]; then
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  GOBIN="$dest.tmp" GOFLAGS=-mod=mod CGO_ENABLED=0 go install "gvisor.dev/gvisor/runsc@$version" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
fi
ln -sfn "runsc-$version" "$work/current"
echo "done in $(seconds_since "$start")"
