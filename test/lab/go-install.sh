#!/usr/bin/env bash
# `go install` pinned commands of one Go module from the module proxy into a cached bin directory
# outside the repository, and print that directory. build-krew.sh and build-actionlint.sh are this
# with their module.
#
#   DIR=$(bash test/lab/go-install.sh NAME VERSION MODULE CMD[=BINARY]...)
#
# Installs MODULE/CMD@vVERSION for each CMD into "$ROOT/bin/NAME-vVERSION-<go version>/", as
# BINARY when given (kubectl finds plugins by file name). Reused, without network, when Go's build
# info of every binary names MODULE vVERSION. stdout: exactly one line, the absolute bin directory;
# progress goes to stderr. Environment as for build-k8s.sh; caches and lock shared with it.
set -euo pipefail

exec 3>&1 1>&2
[ $# -ge 4 ] || { echo "usage: go-install.sh NAME VERSION MODULE CMD[=BINARY]..." >&2; exit 2; }
NAME=$1 VERSION=$2 MODULE=$3
shift 3
log() { printf '[build-%s] %s\n' "$NAME" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
DIR="$ROOT/bin/$NAME-v$VERSION-$GOVER"
binary() { case $1 in *=*) echo "${1#*=}" ;; *) echo "${1##*/}" ;; esac; }

version_ok() {  # <path>
  [ -x "$1" ] && "$GO" version -m "$1" 2>/dev/null | grep -qF "$(printf '\tmod\t%s\tv%s\t' "$MODULE" "$VERSION")"
}
all_ok() {
  local cmd
  for cmd in "$@"; do version_ok "$DIR/$(binary "$cmd")" || return 1; done
}

if all_ok "$@"; then
  log "cached: $NAME v$VERSION ($GOVER)"
  echo "$DIR" >&3
  exit 0
fi

exec 9>"$ROOT/.lock"
if ! flock -n 9; then
  log "another build holds $ROOT/.lock; waiting..."
  flock 9
fi
all_ok "$@" && { log "built by a concurrent caller"; echo "$DIR" >&3; exit 0; }

t0=$(date +%s)
tmp="$DIR/.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
packages=()
for cmd in "$@"; do packages+=("$MODULE/${cmd%%=*}@v$VERSION"); done
log "go install ${packages[*]} ($GOVER)..."
GOBIN="$tmp" "$GO" install -trimpath -ldflags="-s -w" "${packages[@]}" \
  || { rm -rf "$tmp"; die "go install failed for $NAME v$VERSION"; }
for cmd in "$@"; do
  built=${cmd%%=*}
  mv -f "$tmp/${built##*/}" "$DIR/$(binary "$cmd")"
done
rm -rf "$tmp"
all_ok "$@" || die "$NAME was built but its build info does not name $MODULE v$VERSION"
log "$NAME v$VERSION done in $(( $(date +%s) - t0 ))s"
echo "$DIR" >&3
