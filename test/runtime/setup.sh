#!/usr/bin/env bash
# Prepares everything the runtime-truth harness (test/runtime/) needs, on a fresh
# machine or again on a prepared one (idempotent; the second run takes seconds).
#
#   1. Debian packages: containerd 1.6 (its CRI plugin is the runtime under test),
#      runc, the CNI plugins, busybox-static (the image's `sleep`), libcap2-bin
#      (`setcap`), iproute2 (loopback in the harness's network namespace).
#   2. The CRI API definition, api.proto from the Go module k8s.io/cri-api, which the
#      harness's own CRI client loads (see cri.ts for why not crictl).
#   3. bindprobe, our static bind probe (bindprobe.c).
#   4. The probe image, an OCI archive built offline by image.ts.
#
# Outputs go to test/.work/runtime/ (gitignored). Run as root, after `npm ci`.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$repo/test/.work/runtime"
cri_api_version="v0.34.0"
mkdir -p "$work"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds_since() { local ms=$(($(now_ms) - $1)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }
step_start=0
begin() { step_start=$(now_ms); printf 'setup: %s ... ' "$1"; }
done_step() { echo "done in $(seconds_since "$step_start")"; }
total_start=$(now_ms)

if [[ $(id -u) -ne 0 ]]; then
  echo "setup: must run as root (containerd, setcap and network namespaces need it)" >&2
  exit 1
fi
if [[ ! -x "$repo/node_modules/.bin/ts-node" ]]; then
  echo "setup: node_modules/.bin/ts-node is missing: run npm ci first" >&2
  exit 1
fi
# The machine's Go toolchain lives in /usr/local/go; a non-login shell may not have it on PATH.
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"

begin "Debian packages"
source "$repo/test/ensure-packages.sh"
ensure_packages containerd runc containernetworking-plugins busybox-static libcap2-bin iproute2 gcc libc6-dev
done_step

begin "CRI API k8s.io/cri-api@$cri_api_version"
if [[ ! -s "$work/cri/api.proto" ]]; then
  module_dir="$(GOFLAGS=-modcacherw GOSUMDB=off go mod download -json "k8s.io/cri-api@$cri_api_version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  mkdir -p "$work/cri"
  install -m 0644 "$module_dir/pkg/apis/runtime/v1/api.proto" "$work/cri/api.proto"
fi
done_step

begin "bindprobe (gcc -static)"
mkdir -p "$work/bin"
if [[ ! -x "$work/bin/bindprobe" || "$repo/test/runtime/bindprobe.c" -nt "$work/bin/bindprobe" ]]; then
  gcc -static -O2 -Wall -Wextra -Werror -o "$work/bin/bindprobe" "$repo/test/runtime/bindprobe.c"
fi
done_step

begin "probe image (OCI archive)"
(cd "$repo" && node_modules/.bin/ts-node --transpile-only test/runtime/image.ts)
done_step

bash "$repo/test/runtime/userns/setup.sh"
bash "$repo/test/runtime/gvisor/setup.sh"
echo "setup: total $(seconds_since "$total_start")"
