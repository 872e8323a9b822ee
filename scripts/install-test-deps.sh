#!/usr/bin/env bash
# The Debian packages some tests need: the node lab (test/lab/node-lab.ts) runs on containerd, runc,
# the CNI plugins, iptables, iproute2 and a static busybox for the probe image; the completion tests
# run zsh; the package step uses strip, zip and osslsigncode; `npm run bench` measures peak RSS with
# GNU time. Installs only what is missing, so a machine that has them all spends no time here. Needs root.
set -euo pipefail

missing=()
need() { # need PACKAGE PATH...: the package is missing when any of its paths is
  local package=$1
  shift
  for path in "$@"; do
    if [ ! -e "$path" ]; then
      missing+=("$package")
      return
    fi
  done
}
need containerd /usr/bin/containerd /usr/bin/ctr
need runc /usr/sbin/runc
need containernetworking-plugins /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/loopback
need iptables /usr/sbin/iptables
need iproute2 /usr/sbin/ip /bin/ip
need busybox-static /bin/busybox
need zsh /usr/bin/zsh
need binutils /usr/bin/strip
need zip /usr/bin/zip
need unzip /usr/bin/zipinfo
need osslsigncode /usr/bin/osslsigncode
need time /usr/bin/time
# actionlint (test/workflows.test.ts) checks the workflows' run: scripts with shellcheck.
need shellcheck /usr/bin/shellcheck
# The Cilium lab (test/lab/cilium-lab.ts): cilium-agent compiles its datapath with LLVM 19 (the version
# Cilium 1.19.7 pins) and will not start without ipset; its last test lists the kernel's BPF programs
# and maps with bpftool to see the lab left none behind.
need clang-19 /usr/lib/llvm-19/bin/clang
need llvm-19 /usr/lib/llvm-19/bin/llc
need ipset /usr/sbin/ipset
# The policy lab (test/lab/policy-lab.ts): kube-router's policy controller needs only ipset and
# iptables-save/iptables-restore (Debian's iptables package) beside what the node lab needs.
need iptables /usr/sbin/iptables-save /usr/sbin/iptables-restore
need bpftool /usr/sbin/bpftool

if [ ${#missing[@]} -eq 0 ]; then
  echo "test packages: all present" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the tests need ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "test packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
