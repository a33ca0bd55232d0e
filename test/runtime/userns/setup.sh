#!/usr/bin/env bash
# Builds the runtime of the user-namespace proof (test/runtime/user-namespace.test.ts):
# containerd 2.x (containerd, containerd-shim-runc-v2) and runc from the Go module proxy,
# because Debian 12 ships containerd 1.6 — which silently ignores a pod's user namespace
# (`hostUsers: false`) — and runc 1.1.5, which containerd 2.x refuses for user-namespaced
# containers (`runc features` lacks `mountExtensions.idmap`, needed for idmapped bind mounts).
#
#   test/.work/runtime/userns/containerd-<v>-runc-<v>/   the three binaries, built once per pair
#                                                          (no ctr: Debian's ctr 1.6 imports the
#                                                          probe image into containerd 2.x)
#   test/.work/runtime/userns/current                      -> the pair the test runs
#
# Idempotent: a second run finds the binaries and takes 0.1 s. Cold (empty Go module and
# build caches) it took 5m12s wall, 3m14s CPU (containerd + shim 272 s, runc 40 s) on a
# 2-core VM kept busy by other jobs (load ~10). See test/runtime/userns/README.md.
#
# Other versions for a measurement (not what CI runs):
#   KLP_USERNS_CONTAINERD=v2.4.2 KLP_USERNS_RUNC=v1.5.2 bash test/runtime/userns/setup.sh
# points `current` at that pair; run this script without them to go back.
#
# Run as root (packages), after the harness's own setup (test/runtime/setup.sh calls this).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# containerd 2.2's newest patch release; runc 1.3, the line containerd 2.2 is tested with
# (its script/setup/runc-version pins v1.3.6; v1.3.7 is that line's newest patch release).
containerd_version="${KLP_USERNS_CONTAINERD:-v2.2.9}"
runc_version="${KLP_USERNS_RUNC:-v1.3.7}"
work="$repo/test/.work/runtime/userns"
pair="containerd-$containerd_version-runc-$runc_version"
dest="$work/$pair"
binaries=(containerd containerd-shim-runc-v2 runc)

now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds_since() { local ms=$(($(now_ms) - $1)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }
step_start=0
begin() { step_start=$(now_ms); printf 'setup (userns): %s ... ' "$1"; }
done_step() { echo "done in $(seconds_since "$step_start")"; }

if [[ $(id -u) -ne 0 ]]; then
  echo "setup (userns): must run as root (packages; the test runs containerd)" >&2
  exit 1
fi
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
mkdir -p "$work"

begin "Debian packages"
source "$repo/test/ensure-packages.sh"
# runc's seccomp support is cgo against libseccomp (found with pkg-config); the CNI plugins
# are the ones the 1.6 harness uses too.
ensure_packages gcc libc6-dev pkg-config libseccomp-dev containernetworking-plugins
done_step

# Runs a command with its output in build.log, shown only when it fails (go lists every download).
quietly() {
  "$@" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
}

built() {
  local binary
  for binary in "${binaries[@]}"; do [[ -x "$dest/$binary" ]] || return 1; done
}

begin "containerd $containerd_version and runc $runc_version (Go module proxy)"
if ! built; then
  echo
  tmp="$dest.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # `go install module/cmd@version` builds each command with the module's own go.mod
  # (containerd and runc have no replace directives), outside any module of ours.
  build_start=$(now_ms)
  GOBIN="$tmp" GOFLAGS=-mod=mod CGO_ENABLED=1 quietly go install \
    "github.com/containerd/containerd/v2/cmd/containerd@$containerd_version" \
    "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$containerd_version"
  echo "  containerd, shim: $(seconds_since "$build_start")"
  build_start=$(now_ms)
  # runc needs cgo (its nsenter is C); `seccomp` is the build tag its Makefile sets by default.
  GOBIN="$tmp" GOFLAGS=-mod=mod CGO_ENABLED=1 quietly go install -tags seccomp \
    -ldflags "-X main.version=${runc_version#v}" "github.com/opencontainers/runc@$runc_version"
  echo "  runc: $(seconds_since "$build_start")"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  printf '  '
fi
ln -sfn "$pair" "$work/current"
done_step
echo "setup (userns): $("$work/current/containerd" --version); $("$work/current/runc" --version | head -1)"
