#!/usr/bin/env bash
# Build pinned Kubernetes binaries (kubectl, kube-apiserver), etcd and kwok from their Go
# modules via the Go module proxy, cache them outside the repository and print the
# directory that holds them.
#
#   BIN=$(bash test/lab/build-k8s.sh)                          # kubectl only
#   BIN=$(bash test/lab/build-k8s.sh kubectl kube-apiserver kubelet etcd ip-masq-agent kwok)
#
# stdout: exactly one line, the absolute bin directory. Progress goes to stderr.
# See test/lab/README.md and the lab reference (test-lab.md §1, §6, §8) for the background.
#
# Environment:
#   KUBECTL_EGRESS_CACHE  cache base (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-egress);
#                         everything lives under "$KUBECTL_EGRESS_CACHE/lab".
#   GO                    go binary (default: go from PATH, else /usr/local/go/bin/go).
#   GOTOOLCHAIN           only honoured when it names a release (e.g. go1.25.9; fetched
#                         as a module from the proxy); anything else means "local".
#   GOPROXY, GOSUMDB      passed through to go as usual.
#   LAB_BUILD_PARALLELISM go build -p (default 2; use 1 when memory is tight).
set -euo pipefail

# ---- pins (no @latest anywhere) ---------------------------------------------------
# Newest 1.34 patch the module proxy serves *with* a checksum-database entry
# (v1.34.11/12 resolve on the proxy but sum.golang.org lookups 404 there, v1.34.13 is 403).
K8S_VERSION=1.34.10            # staging modules k8s.io/* are replaced with v0.34.10
ETCD_VERSION=3.6.16            # go.etcd.io/etcd/server/v3
IP_MASQ_AGENT_COMMIT=476bc3b6798f27b8cf4c47447063a04224eaee67   # tag v2.12.6 (test-lab.md §1.8)
KWOK_VERSION=0.7.0             # sigs.k8s.io/kwok (test-lab.md §1.6; v0.8.0 also needs Go >= 1.26.0)
SUPPORTED=(kubectl kube-apiserver kubelet etcd ip-masq-agent kwok)

# Everything that is not the final path goes to stderr.
exec 3>&1 1>&2
log() { printf '[build-k8s] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  sed -n '2,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  log "components: ${SUPPORTED[*]} (default: kubectl)"
}

# ---- arguments -------------------------------------------------------------------
COMPONENTS=()
for a in "$@"; do
  case "$a" in
    -h|--help) usage; exit 0 ;;
    kubectl|kube-apiserver|kubelet|etcd|ip-masq-agent|kwok) COMPONENTS+=("$a") ;;
    *) usage; die "unknown component '$a'" ;;
  esac
done
[ ${#COMPONENTS[@]} -gt 0 ] || COMPONENTS=(kubectl)

# ---- environment -----------------------------------------------------------------
source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
K8S_MINOR=$(cut -d. -f2 <<<"$K8S_VERSION")
STAGING_VERSION="0.${K8S_VERSION#1.}"
K8S_DIR="$ROOT/bin/k8s-v$K8S_VERSION-$GOVER"      # the directory printed at the end
ETCD_DIR="$ROOT/bin/etcd-v$ETCD_VERSION-$GOVER"   # etcd/ is symlinked into K8S_DIR
IMA_DIR="$ROOT/bin/ip-masq-agent-$IP_MASQ_AGENT_COMMIT-$GOVER"   # likewise
KWOK_DIR="$ROOT/bin/kwok-v$KWOK_VERSION-$GOVER"   # likewise
PAR=${LAB_BUILD_PARALLELISM:-2}                   # go build -p; 2 cores on CI

# ---- cache check -----------------------------------------------------------------
# A binary is reused when it exists, runs, and reports the pinned version. No network.
version_ok() {  # <component> <path>
  local out
  [ -x "$2" ] || return 1
  case "$1" in
    kubectl)        out=$(KUBECONFIG=/dev/null timeout 60 "$2" version --client 2>&1) || return 1
                    grep -q "Client Version: v$K8S_VERSION\$" <<<"$out" ;;
    kube-apiserver|kubelet) out=$(timeout 60 "$2" --version 2>&1) || return 1
                    grep -q "^Kubernetes v$K8S_VERSION\$" <<<"$out" ;;
    ip-masq-agent)  [ "$(cat "$(dirname "$(readlink -f "$2")")/.commit" 2>/dev/null)" = "$IP_MASQ_AGENT_COMMIT" ] ;;
    etcd)           out=$(timeout 60 "$2" --version 2>&1) || return 1
                    grep -q "^etcd Version: $ETCD_VERSION\$" <<<"$out" ;;
    kwok)           out=$(timeout 60 "$2" --version 2>&1) || return 1
                    grep -q "^kwok version v$KWOK_VERSION " <<<"$out" ;;
  esac
}

missing() {  # prints the requested components that are not usable in K8S_DIR
  local c
  for c in "${COMPONENTS[@]}"; do version_ok "$c" "$K8S_DIR/$c" || echo "$c"; done
}

link_etcd() {  # relative symlink, replaced atomically
  ln -sfn "../$(basename "$ETCD_DIR")/etcd" "$K8S_DIR/.etcd.$$"
  mv -Tf "$K8S_DIR/.etcd.$$" "$K8S_DIR/etcd"
}

mkdir -p "$K8S_DIR"
if [ -z "$(missing)" ]; then
  log "cached: ${COMPONENTS[*]} (Kubernetes v$K8S_VERSION, etcd v$ETCD_VERSION, kwok v$KWOK_VERSION, $GOVER)"
  echo "$K8S_DIR" >&3
  exit 0
fi

# ---- lock: one builder at a time per cache root ----------------------------------
exec 9>"$ROOT/.lock"
if ! flock -n 9; then
  log "another build holds $ROOT/.lock; waiting..."
  flock 9
fi
TODO=$(echo $(missing))                 # one line; re-check: the other builder may have done it
[ -n "$TODO" ] || { log "built by a concurrent caller"; echo "$K8S_DIR" >&3; exit 0; }

K8S_TODO=() WANT_ETCD=0 WANT_IMA=0 WANT_KWOK=0
for c in $TODO; do
  case "$c" in
    etcd) WANT_ETCD=1 ;; ip-masq-agent) WANT_IMA=1 ;; kwok) WANT_KWOK=1 ;; *) K8S_TODO+=("$c") ;;
  esac
done
log "building: $TODO (Kubernetes v$K8S_VERSION, etcd v$ETCD_VERSION, $GOVER, GOTOOLCHAIN=$GOTOOLCHAIN)"
log "cache root: $ROOT"

elapsed() { local s=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# ---- Kubernetes: wrapper module (test-lab.md §1.3) --------------------------------
build_k8s() {
  local t0 w modfile mods m p ld bdate tmp c
  t0=$(date +%s)
  w="$ROOT/src/k8s-v$K8S_VERSION"
  rm -rf "$w"; mkdir -p "$w"

  # Staging modules come from the published go.mod: its replace block maps each of them
  # to ./staging/src/...; `go install ...@v1.34.x` refuses that, hence the wrapper.
  modfile=$(cd "$w" && "$GO" mod download -json "k8s.io/kubernetes@v$K8S_VERSION" \
            | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [ -f "$modfile" ] || die "could not download k8s.io/kubernetes@v$K8S_VERSION go.mod"
  mods=$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$modfile")
  [ -n "$mods" ] || die "no staging replace block found in $modfile"
  log "k8s.io/kubernetes v$K8S_VERSION: $(wc -w <<<"$mods") staging modules -> v$STAGING_VERSION"

  cat >"$w/go.mod" <<EOF
module example.invalid/k8sbins

go 1.24.0

godebug default=go1.24

require k8s.io/kubernetes v$K8S_VERSION
EOF
  (cd "$w" && for m in $mods; do "$GO" mod edit "-replace=$m=$m@v$STAGING_VERSION"; done)
  # Import every supported command so go.sum does not depend on what was requested.
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' kube-apiserver kubectl kubelet
    printf ')\n'
  } >"$w/tools.go"
  log "go mod tidy (downloads modules on a cold cache)..."
  (cd "$w" && "$GO" mod tidy) || die "go mod tidy failed for the Kubernetes wrapper"
  log "modules ready after $(elapsed "$t0")"

  # Version stamping like hack/lib/version.sh; without it: v0.0.0-master+$Format:%H$.
  # buildDate = release time of the module, so the flags (and the link cache) are stable.
  bdate=$(sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' \
          "$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/v$K8S_VERSION.info" 2>/dev/null || true)
  bdate=${bdate:-1970-01-01T00:00:00Z}
  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$K8S_MINOR"
    ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=$bdate"
  done

  tmp="$K8S_DIR/.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
  log "go build -p $PAR ${K8S_TODO[*]}..."
  (cd "$w" && "$GO" build -p "$PAR" -trimpath -tags=selinux,notest -ldflags="$ld" -o "$tmp/" \
      $(printf 'k8s.io/kubernetes/cmd/%s ' "${K8S_TODO[@]}")) \
    || { rm -rf "$tmp"; die "go build failed for ${K8S_TODO[*]} (see above; test-lab.md §8 #1: try GOTOOLCHAIN=go1.25.9)"; }
  for c in "${K8S_TODO[@]}"; do
    version_ok "$c" "$tmp/$c" || { rm -rf "$tmp"; die "$c was built but does not report v$K8S_VERSION"; }
    mv -f "$tmp/$c" "$K8S_DIR/$c"
  done
  rm -rf "$tmp"
  log "Kubernetes ${K8S_TODO[*]} done in $(elapsed "$t0")"
}

# ---- etcd: wrapper module without replace (test-lab.md §1.7) ----------------------
# go.etcd.io/etcd/server/v3's own go.mod has replace directives (../api, ...), so
# `go install go.etcd.io/etcd/server/v3@v3.6.x` is refused; its requirements are
# real versions though, so a plain wrapper that requires it works.
build_etcd() {
  local t0 w tmp
  t0=$(date +%s)
  if version_ok etcd "$ETCD_DIR/etcd"; then
    log "etcd v$ETCD_VERSION already in $ETCD_DIR"
  else
    w="$ROOT/src/etcd-v$ETCD_VERSION"
    rm -rf "$w"; mkdir -p "$w" "$ETCD_DIR"
    printf 'module example.invalid/etcdbin\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' \
      "$ETCD_VERSION" >"$w/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$w/tools.go"
    log "etcd: go mod tidy..."
    (cd "$w" && "$GO" mod tidy) || die "go mod tidy failed for the etcd wrapper"
    log "etcd: modules ready after $(elapsed "$t0")"
    tmp="$ETCD_DIR/.etcd.tmp.$$"
    log "etcd: go build..."
    (cd "$w" && "$GO" build -p "$PAR" -trimpath -ldflags="-s -w" -o "$tmp" go.etcd.io/etcd/server/v3) \
      || { rm -f "$tmp"; die "go build failed for etcd v$ETCD_VERSION"; }
    version_ok etcd "$tmp" || { rm -f "$tmp"; die "etcd was built but does not report $ETCD_VERSION"; }
    mv -f "$tmp" "$ETCD_DIR/etcd"
    log "etcd v$ETCD_VERSION done in $(elapsed "$t0")"
  fi
  link_etcd
}

# ---- ip-masq-agent: go install by commit (test-lab.md §1.8) ------------------------
# The module path has no /v2 although releases are tagged v2.x, so the tag is not a valid
# version for it; its go.mod has no replace directives, so installing by commit works.
build_ip_masq_agent() {
  local t0
  t0=$(date +%s)
  mkdir -p "$IMA_DIR"
  GOBIN="$IMA_DIR" "$GO" install -trimpath -ldflags="-s -w" "k8s.io/ip-masq-agent/cmd/ip-masq-agent@$IP_MASQ_AGENT_COMMIT" \
    || die "go install failed for ip-masq-agent@$IP_MASQ_AGENT_COMMIT"
  echo "$IP_MASQ_AGENT_COMMIT" >"$IMA_DIR/.commit"
  ln -sfn "../$(basename "$IMA_DIR")/ip-masq-agent" "$K8S_DIR/.ima.$$"
  mv -Tf "$K8S_DIR/.ima.$$" "$K8S_DIR/ip-masq-agent"
  log "ip-masq-agent $IP_MASQ_AGENT_COMMIT done in $(elapsed "$t0")"
}

# ---- kwok: plain go install (test-lab.md §1.6) --------------------------------------
# sigs.k8s.io/kwok's go.mod has no replace directives, so the tag installs as is.
build_kwok() {
  local t0
  t0=$(date +%s)
  if version_ok kwok "$KWOK_DIR/kwok"; then
    log "kwok v$KWOK_VERSION already in $KWOK_DIR"
  else
    mkdir -p "$KWOK_DIR"
    GOBIN="$KWOK_DIR" "$GO" install -trimpath -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" \
      || die "go install failed for kwok@v$KWOK_VERSION"
    log "kwok v$KWOK_VERSION done in $(elapsed "$t0")"
  fi
  ln -sfn "../$(basename "$KWOK_DIR")/kwok" "$K8S_DIR/.kwok.$$"
  mv -Tf "$K8S_DIR/.kwok.$$" "$K8S_DIR/kwok"
}

[ ${#K8S_TODO[@]} -eq 0 ] || build_k8s
[ "$WANT_ETCD" -eq 0 ] || build_etcd
[ "$WANT_IMA" -eq 0 ] || build_ip_masq_agent
[ "$WANT_KWOK" -eq 0 ] || build_kwok

left=$(missing)
[ -z "$left" ] || die "still not usable after the build: $left"
log "cache size: $(du -sh "$ROOT" | cut -f1) ($ROOT)"
echo "$K8S_DIR" >&3
