# Sourced by the lab's build scripts (build-k8s.sh, build-krew.sh, build-cilium.sh): the Go
# toolchain, and the module and build caches they share outside the repository. Expects `log` and
# `die`; sets GO, ROOT (the cache root, ~/.cache/kubectl-egress/lab) and GOVER (the Go version
# that names each bin directory, so a toolchain upgrade rebuilds).
GO=${GO:-$(command -v go || true)}
[ -n "$GO" ] || GO=/usr/local/go/bin/go
[ -x "$GO" ] || die "no Go toolchain found (set GO=/path/to/go or install Go to /usr/local/go)"
command -v flock >/dev/null || die "flock (util-linux) is required"

BASE=${KUBECTL_EGRESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-egress}
mkdir -p "$BASE/lab"
ROOT=$(cd "$BASE/lab" && pwd -P)

# Warn if someone points the cache into the git checkout: binaries must never be committed.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && git rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$REPO" ]; then
  REPO=$(cd "$REPO" && pwd -P)
  case "$ROOT/" in "$REPO"/*) log "WARNING: cache root $ROOT is inside the repository $REPO" ;; esac
fi

case "${GOTOOLCHAIN:-}" in go1.*) ;; *) GOTOOLCHAIN=local ;; esac
export GOTOOLCHAIN
export GOMODCACHE="$ROOT/gomod" GOCACHE="$ROOT/gocache"
export GOFLAGS="-modcacherw -buildvcs=false" GOWORK=off GO111MODULE=on CGO_ENABLED=0
unset GOOS GOARCH GOBIN          # host binaries, written where we say
mkdir -p "$GOMODCACHE" "$GOCACHE" "$ROOT/bin" "$ROOT/src"

GOVER=$(cd / && "$GO" env GOVERSION) || die "'$GO env GOVERSION' failed (GOTOOLCHAIN=$GOTOOLCHAIN)"
