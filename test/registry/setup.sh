#!/usr/bin/env bash
# Installs what test/registry needs (idempotent): docker-registry (CNCF distribution, the real
# OCI registry the tests start on 127.0.0.1), skopeo (pushes test images into it), openssl (the
# harness's CA and certificates), apache2-utils (`htpasswd -B`, the registry's bcrypt users),
# util-linux (`setpriv --pdeathsig`: a registry dies with the test process that started it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../ensure-packages.sh"
ensure_packages docker-registry skopeo openssl apache2-utils util-linux
echo "test/registry/setup.sh: docker-registry $(docker-registry --version | awk '{print $3}'), skopeo $(skopeo --version | awk '{print $3}'), $(openssl version | awk '{print $1, $2}'), htpasswd ready"
