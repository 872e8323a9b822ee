#!/usr/bin/env bash
# Build the pinned actionlint from the Go module proxy, cache it outside the repository and print
# the directory that holds it.
#
#   ACTIONLINT_BIN=$(bash test/lab/build-actionlint.sh)
#
# stdout: exactly one line, the absolute bin directory. Progress goes to stderr.
# test/workflows.test.ts runs it on .github/workflows/ (npm test builds it first).
#
# Environment: KUBECTL_EGRESS_CACHE, GO, GOTOOLCHAIN, GOPROXY, GOSUMDB as for build-k8s.sh;
# the module and build caches are shared with it (under "$KUBECTL_EGRESS_CACHE/lab").
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 0 ;; "") ;; *) echo "no arguments expected" >&2; exit 1 ;; esac

# github.com/rhysd/actionlint's go.mod has no replace directives, so the tag installs as is.
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-install.sh" actionlint 1.7.12 github.com/rhysd/actionlint cmd/actionlint
