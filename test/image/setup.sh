#!/usr/bin/env bash
# Installs what test/image needs beyond the runtime harness's packages (idempotent):
# umoci (a real third-party OCI image producer), zstd (zstd layers), libcap2-bin (setcap),
# python3 (nssetcap.py, a setcap inside a user namespace for revision-3 capabilities).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../ensure-packages.sh"
ensure_packages umoci zstd libcap2-bin python3 tar gzip
echo "test/image/setup.sh: umoci $(umoci --version | awk '{print $3}'), zstd, setcap ready"
