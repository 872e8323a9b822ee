#!/usr/bin/env bash
# Build the pinned Cilium (cilium-agent, cilium-cni, cilium-dbg) from its Go module via the
# Go module proxy, cache it outside the repository and print the directory that holds it.
# The Cilium node lab will run these; nothing runs them yet.
#
#   CILIUM_BIN=$(bash test/lab/build-cilium.sh)
#
# stdout: exactly one line, the absolute bin directory. Progress goes to stderr. Beside the
# binaries: lib/bpf (the datapath's C sources, for the agent's --lib-dir) and crds/ (the
# cilium.io CRDs, v2 and v2alpha1), both copied from the module.
# See test/lab/README.md and cilium-lab.md ("Versions and build") for the background.
#
# Environment: KUBECTL_EGRESS_CACHE, GO, GOTOOLCHAIN, GOPROXY, GOSUMDB and LAB_BUILD_PARALLELISM
# as for build-k8s.sh; the module and build caches are shared with it.
set -euo pipefail

# v1.19.8 is refused by the proxy (403); v1.19.0-v1.19.7 resolve when asked explicitly.
CILIUM_VERSION=1.19.7
MODULE=github.com/cilium/cilium
# Package → binary name: the agent's main package is daemon/.
TARGETS=("daemon:cilium-agent" "plugins/cilium-cni:cilium-cni" "cilium-dbg:cilium-dbg")

exec 3>&1 1>&2
log() { printf '[build-cilium] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
case "${1:-}" in -h|--help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 0 ;; "") ;; *) die "no arguments expected" ;; esac

source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
DIR="$ROOT/bin/cilium-v$CILIUM_VERSION-$GOVER"
PAR=${LAB_BUILD_PARALLELISM:-2}
elapsed() { local s=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# A binary is reused when Go's build info names the pinned Cilium module: as `mod` (the module of
# the main package, which is Cilium's even when built from the wrapper). No network.
version_ok() {  # <path>
  [ -x "$1" ] && "$GO" version -m "$1" 2>/dev/null \
    | grep -Eq "^[[:space:]]*mod[[:space:]]+github\.com/cilium/cilium[[:space:]]+v$CILIUM_VERSION[[:space:]]"
}
all_ok() {
  local t
  for t in "${TARGETS[@]}"; do version_ok "$DIR/${t#*:}" || return 1; done
  [ -d "$DIR/lib/bpf" ] && [ -d "$DIR/crds/v2" ]
}

if all_ok; then
  log "cached: Cilium v$CILIUM_VERSION ($GOVER)"
  echo "$DIR" >&3
  exit 0
fi

# Its own lock: this build takes long, and must not hold up build-k8s.sh callers.
exec 9>"$ROOT/.lock-cilium"
if ! flock -n 9; then
  log "another build holds $ROOT/.lock-cilium; waiting..."
  flock 9
fi
all_ok && { log "built by a concurrent caller"; echo "$DIR" >&3; exit 0; }

t0=$(date +%s)
log "building Cilium v$CILIUM_VERSION ($GOVER, GOTOOLCHAIN=$GOTOOLCHAIN, go build -p $PAR); cache root: $ROOT"

# Cilium's go.mod has replace directives, so `go install ...@v1.19.7` is refused. A throw-away
# wrapper module requires it with the same (non-local) replaces; `go mod tidy` then picks the
# dependency versions Cilium's own go.mod names.
w="$ROOT/src/cilium-v$CILIUM_VERSION"
rm -rf "$w"; mkdir -p "$w"
json=$(cd "$w" && "$GO" mod download -json "$MODULE@v$CILIUM_VERSION") \
  || die "could not download $MODULE@v$CILIUM_VERSION"
modfile=$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
srcdir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
[ -f "$modfile" ] && [ -d "$srcdir" ] || die "no go.mod or source directory for $MODULE@v$CILIUM_VERSION"
log "module downloaded after $(elapsed "$t0")"

goline=$(grep -m1 '^go ' "$modfile") || die "no go directive in $modfile"
printf 'module example.invalid/ciliumbins\n\n%s\n\nrequire %s v%s\n' "$goline" "$MODULE" "$CILIUM_VERSION" >"$w/go.mod"
# Replace lines, in or out of a block: "old [ver] => new ver"; local paths (./, ../) are skipped.
replaces=$(awk '
  /^replace \($/ { inblock = 1; next }
  inblock && /^\)/ { inblock = 0; next }
  /^replace / { sub(/^replace /, ""); print; next }
  inblock { print }' "$modfile" | sed 's#//.*##' | awk 'NF && $(NF-1) !~ /^\.\.?\// && $NF !~ /^\.\.?\//')
[ -n "$replaces" ] || die "no replace directives found in $modfile (expected controller-tools and gobgp)"
while read -r line; do
  set -- $line
  if [ "$2" = "=>" ]; then old=$1; new="$3@$4"; else old="$1@$2"; new="$4@$5"; fi
  log "replace $old => $new"
  (cd "$w" && "$GO" mod edit "-replace=$old=$new")
done <<<"$replaces"
{
  printf '//go:build tools\n\npackage tools\n\nimport (\n'
  for t in "${TARGETS[@]}"; do printf '\t_ "%s/%s"\n' "$MODULE" "${t%%:*}"; done
  printf ')\n'
} >"$w/tools.go"
log "go mod tidy (downloads modules on a cold cache)..."
(cd "$w" && "$GO" mod tidy) || die "go mod tidy failed for the Cilium wrapper"
log "modules ready after $(elapsed "$t0")"

tmp="$DIR/.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
pkgs=(); for t in "${TARGETS[@]}"; do pkgs+=("$MODULE/${t%%:*}"); done
log "go build ${pkgs[*]} (the agent alone took 42 min under heavy load in the feasibility run)..."
(cd "$w" && "$GO" build -p "$PAR" -trimpath -tags osusergo \
    -ldflags="-s -w -X $MODULE/pkg/version.ciliumVersion=$CILIUM_VERSION" -o "$tmp/" "${pkgs[@]}") \
  || { rm -rf "$tmp"; die "go build failed for Cilium v$CILIUM_VERSION"; }
for t in "${TARGETS[@]}"; do
  b=$(basename "${t%%:*}")
  version_ok "$tmp/$b" || { rm -rf "$tmp"; die "$b was built but its build info does not name $MODULE v$CILIUM_VERSION"; }
  mv -f "$tmp/$b" "$DIR/${t#*:}"
done
rm -rf "$tmp" "$DIR/lib" "$DIR/crds"
mkdir -p "$DIR/lib" "$DIR/crds"
cp -R "$srcdir/bpf" "$DIR/lib/bpf"
cp -R "$srcdir/pkg/k8s/apis/cilium.io/client/crds/v2" "$srcdir/pkg/k8s/apis/cilium.io/client/crds/v2alpha1" "$DIR/crds/"
chmod -R u+w "$DIR/lib" "$DIR/crds"
all_ok || die "still not usable after the build"
log "Cilium v$CILIUM_VERSION done in $(elapsed "$t0"); cache size: $(du -sh "$ROOT" | cut -f1)"
echo "$DIR" >&3
