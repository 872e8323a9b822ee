#!/usr/bin/env bash
# Build the pinned krew (as kubectl-krew) and validate-krew-manifest from the Go module
# proxy, cache them outside the repository and print the directory that holds them.
#
#   KREW_BIN=$(bash test/lab/build-krew.sh)
#
# stdout: exactly one line, the absolute bin directory. Progress goes to stderr.
# The package tests (test/package/krew.test.ts) run both: the validator's full check
# installs every platform with `kubectl krew install`, so kubectl-krew must be on PATH.
#
# Environment: KUBECTL_EGRESS_CACHE, GO, GOTOOLCHAIN, GOPROXY, GOSUMDB as for build-k8s.sh;
# the module and build caches are shared with it (under "$KUBECTL_EGRESS_CACHE/lab").
set -euo pipefail

# sigs.k8s.io/krew's go.mod has no replace directives, so the tag installs as is.
# Not stamped with -X .../internal/version.gitTag on purpose: an unstamped build counts
# as a development build, which never runs krew's upgrade check against GitHub.
KREW_VERSION=0.4.3
case "${1:-}" in -h|--help) sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 0 ;; "") ;; *) echo "no arguments expected" >&2; exit 1 ;; esac

# kubectl finds plugins by file name: `kubectl krew` runs kubectl-krew from PATH.
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-install.sh" krew "$KREW_VERSION" sigs.k8s.io/krew \
  cmd/krew=kubectl-krew cmd/validate-krew-manifest
