#!/usr/bin/env bash
# Installs what test/image needs beyond the runtime harness's packages (idempotent):
# umoci (a real third-party OCI image producer), zstd (zstd layers), libcap2-bin (setcap),
# python3 (nssetcap.py, a setcap inside a user namespace for revision-3 capabilities).
set -euo pipefail
packages=(umoci zstd libcap2-bin python3 tar gzip)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test/image/setup.sh: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi
echo "test/image/setup.sh: umoci $(umoci --version | awk '{print $3}'), zstd, setcap ready"
