#!/usr/bin/env bash
# Installs the tools the integration tests run for real, besides Helm (build-helm.sh): pre-commit
# from PyPI, pinned, in a virtualenv at test/.work/pre-commit-venv, and kubectl when none is on
# PATH (Debian's kubernetes-client; the tests need only its plugin discovery, kubectl >= 1.12).
# Idempotent: the second run takes a second. pre-commit needs Python >= 3.9 with venv; the
# kubectl install needs root.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pre_commit_version="4.7.0"
venv="$root/test/.work/pre-commit-venv"

if [[ "$("$venv/bin/pre-commit" --version 2>/dev/null)" != "pre-commit $pre_commit_version" ]]; then
  start=$SECONDS
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$pre_commit_version"
  echo "pre-commit: installed $pre_commit_version in $((SECONDS - start))s ($venv)"
else
  echo "pre-commit: up to date ($venv, $pre_commit_version)"
fi

if command -v kubectl >/dev/null 2>&1; then
  echo "kubectl: $(command -v kubectl)"
else
  source "$root/test/ensure-packages.sh"
  ensure_packages kubernetes-client
  echo "kubectl: installed Debian's kubernetes-client ($(command -v kubectl))"
fi
