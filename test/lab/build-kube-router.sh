#!/usr/bin/env bash
# Build the pinned kube-router from its Go module via the Go module proxy, cache it outside the
# repository and print the directory that holds it. The policy lab (test/lab/policy-lab.ts) runs
# it with only its network policy controller, as the enforcer beside the bridge CNI.
#
#   KUBE_ROUTER_BIN=$(bash test/lab/build-kube-router.sh)
#
# stdout: exactly one line, the absolute bin directory (holding kube-router). Progress goes to
# stderr. v2.1.0 has published security advisories; it only ever runs inside the lab's namespaces
# as a test enforcer, never as a cluster's router (test/lab/README.md).
#
# Environment: KUBECTL_EGRESS_CACHE, GO, GOTOOLCHAIN, GOPROXY, GOSUMDB and LAB_BUILD_PARALLELISM
# as for build-k8s.sh; the module and build caches are shared with it.
set -euo pipefail

# The go.mod of v2.1.0 has no replace directives, so the tag installs as is.
KUBE_ROUTER_VERSION=2.1.0
MODULE=github.com/cloudnativelabs/kube-router/v2

exec 3>&1 1>&2
log() { printf '[build-kube-router] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
case "${1:-}" in -h|--help) sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 0 ;; "") ;; *) die "no arguments expected" ;; esac

source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
DIR="$ROOT/bin/kube-router-v$KUBE_ROUTER_VERSION-$GOVER"
PAR=${LAB_BUILD_PARALLELISM:-2}

# Reused when Go's build info names the pinned module as the main module. No network.
version_ok() {  # <path>
  [ -x "$1" ] && "$GO" version -m "$1" 2>/dev/null \
    | grep -Eq "^[[:space:]]*mod[[:space:]]+github\.com/cloudnativelabs/kube-router/v2[[:space:]]+v$KUBE_ROUTER_VERSION[[:space:]]"
}

if version_ok "$DIR/kube-router"; then
  log "cached: kube-router v$KUBE_ROUTER_VERSION ($GOVER)"
  echo "$DIR" >&3
  exit 0
fi

# Its own lock, as build-cilium.sh: a build here must not hold up build-k8s.sh callers.
exec 9>"$ROOT/.lock-kube-router"
if ! flock -n 9; then
  log "another build holds $ROOT/.lock-kube-router; waiting..."
  flock 9
fi
version_ok "$DIR/kube-router" && { log "built by a concurrent caller"; echo "$DIR" >&3; exit 0; }

t0=$(date +%s)
tmp="$DIR/.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
log "go install $MODULE/cmd/kube-router@v$KUBE_ROUTER_VERSION ($GOVER, go build -p $PAR)..."
# The version stamp is what kube-router logs at start (and what its upstream Makefile sets).
GOBIN="$tmp" "$GO" install -p "$PAR" -trimpath \
    -ldflags="-s -w -X $MODULE/pkg/version.Version=v$KUBE_ROUTER_VERSION" \
    "$MODULE/cmd/kube-router@v$KUBE_ROUTER_VERSION" \
  || { rm -rf "$tmp"; die "go install failed for kube-router v$KUBE_ROUTER_VERSION"; }
version_ok "$tmp/kube-router" || { rm -rf "$tmp"; die "kube-router was built but its build info does not name v$KUBE_ROUTER_VERSION"; }
mv -f "$tmp/kube-router" "$DIR/kube-router"
rm -rf "$tmp"
log "kube-router v$KUBE_ROUTER_VERSION done in $(( $(date +%s) - t0 ))s"
echo "$DIR" >&3
