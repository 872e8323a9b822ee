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

# github.com/rhysd/actionlint's go.mod has no replace directives, so the tag installs as is.
ACTIONLINT_VERSION=1.7.12

exec 3>&1 1>&2
log() { printf '[build-actionlint] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
case "${1:-}" in -h|--help) sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 0 ;; "") ;; *) die "no arguments expected" ;; esac

source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
DIR="$ROOT/bin/actionlint-v$ACTIONLINT_VERSION-$GOVER"

# The binary is reused when Go's build info names the pinned module version. No network.
version_ok() {
  [ -x "$DIR/actionlint" ] && "$GO" version -m "$DIR/actionlint" 2>/dev/null \
    | grep -q "^[[:space:]]*mod[[:space:]]*github\.com/rhysd/actionlint[[:space:]]*v$ACTIONLINT_VERSION[[:space:]]"
}

if version_ok; then
  log "cached: actionlint v$ACTIONLINT_VERSION ($GOVER)"
  echo "$DIR" >&3
  exit 0
fi

exec 9>"$ROOT/.lock"
if ! flock -n 9; then
  log "another build holds $ROOT/.lock; waiting..."
  flock 9
fi
version_ok && { log "built by a concurrent caller"; echo "$DIR" >&3; exit 0; }

t0=$(date +%s)
tmp="$DIR/.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
log "go install github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION ($GOVER)..."
GOBIN="$tmp" "$GO" install -trimpath -ldflags="-s -w" "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" \
  || { rm -rf "$tmp"; die "go install failed for actionlint v$ACTIONLINT_VERSION"; }
mv -f "$tmp/actionlint" "$DIR/actionlint"
rm -rf "$tmp"
version_ok || die "actionlint was built but its build info does not name v$ACTIONLINT_VERSION"
log "actionlint v$ACTIONLINT_VERSION done in $(( $(date +%s) - t0 ))s"
echo "$DIR" >&3
