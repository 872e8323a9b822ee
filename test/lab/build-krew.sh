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

exec 3>&1 1>&2
log() { printf '[build-krew] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
case "${1:-}" in -h|--help) sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 0 ;; "") ;; *) die "no arguments expected" ;; esac

source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
DIR="$ROOT/bin/krew-v$KREW_VERSION-$GOVER"

# A binary is reused when Go's build info names the pinned module version. No network.
version_ok() {  # <path>
  [ -x "$1" ] && "$GO" version -m "$1" 2>/dev/null | grep -q "^[[:space:]]*mod[[:space:]]*sigs\.k8s\.io/krew[[:space:]]*v$KREW_VERSION[[:space:]]"
}
all_ok() { version_ok "$DIR/kubectl-krew" && version_ok "$DIR/validate-krew-manifest"; }

if all_ok; then
  log "cached: krew v$KREW_VERSION ($GOVER)"
  echo "$DIR" >&3
  exit 0
fi

exec 9>"$ROOT/.lock"
if ! flock -n 9; then
  log "another build holds $ROOT/.lock; waiting..."
  flock 9
fi
all_ok && { log "built by a concurrent caller"; echo "$DIR" >&3; exit 0; }

t0=$(date +%s)
tmp="$DIR/.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
log "go install sigs.k8s.io/krew/cmd/{krew,validate-krew-manifest}@v$KREW_VERSION ($GOVER)..."
GOBIN="$tmp" "$GO" install -trimpath -ldflags="-s -w" \
    "sigs.k8s.io/krew/cmd/krew@v$KREW_VERSION" "sigs.k8s.io/krew/cmd/validate-krew-manifest@v$KREW_VERSION" \
  || { rm -rf "$tmp"; die "go install failed for krew v$KREW_VERSION"; }
# kubectl finds plugins by file name: `kubectl krew` runs kubectl-krew from PATH.
mv -f "$tmp/krew" "$DIR/kubectl-krew"
mv -f "$tmp/validate-krew-manifest" "$DIR/validate-krew-manifest"
rm -rf "$tmp"
all_ok || die "krew was built but its build info does not name v$KREW_VERSION"
log "krew v$KREW_VERSION done in $(( $(date +%s) - t0 ))s"
echo "$DIR" >&3
