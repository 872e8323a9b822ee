/**
 * The node lab's dealings with the host: what it may use (capabilities, commands) and how it
 * leaves nothing behind (iptables chains, cgroups, mounts) — test-lab.md §3.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const CAP_SYS_RESOURCE = 24;

export function hasCapability(bit: number): boolean {
  const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return ((BigInt(`0x${effective}`) >> BigInt(bit)) & 1n) === 1n;
}

export function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(':').some((d) => existsSync(join(d, command)));
}

export function sh(command: string, args: string[], input?: string): string {
  return execFileSync(command, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function quiet(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    // cleanup of something that may already be gone
  }
}

/**
 * The bridge plugin's ipMasq chains go with CNI DEL, which a sandbox the kubelet had no time to
 * stop never gets: remove whatever of ours is left, found by the network name in the rule comment.
 */
export function removeCniChains(network: string): void {
  const rules = sh('iptables', ['-t', 'nat', '-S'])
    .split('\n')
    .filter((r) => r.includes(`name: \\"${network}\\"`));
  for (const rule of rules.filter((r) => r.startsWith('-A POSTROUTING ')))
    quiet('sh', ['-c', `iptables -t nat ${rule.replace(/^-A/, '-D')}`]);
  const chains = new Set(rules.map((r) => r.split(' ')[1]).filter((c): c is string => c?.startsWith('CNI-') === true));
  for (const chain of chains) {
    quiet('iptables', ['-t', 'nat', '-F', chain]);
    quiet('iptables', ['-t', 'nat', '-X', chain]);
  }
}

const IPTABLES = ['iptables', 'ip6tables'];
const TABLES = ['filter', 'nat', 'mangle'];

/** The KUBE-* chains (KUBE-FIREWALL, the canaries, the hint) as "binary table chain" lines. */
export function kubeletChains(): Set<string> {
  const chains = new Set<string>();
  for (const binary of IPTABLES.filter(onPath)) {
    for (const table of TABLES) {
      for (const line of tryOutput(binary, ['-t', table, '-S']))
        if (/^-N KUBE-/.test(line)) chains.add(`${binary} ${table} ${line.slice(3)}`);
    }
  }
  return chains;
}

/** The kubelet's chains that were not there before the lab, with the jumps into them. */
export function removeKubeletChains(before: Set<string>): void {
  for (const entry of [...kubeletChains()].filter((c) => !before.has(c))) {
    const [binary, table, chain] = entry.split(' ') as [string, string, string];
    for (const rule of tryOutput(binary, ['-t', table, '-S']).filter(
      (r) => r.endsWith(` -j ${chain}`) && r.startsWith('-A '),
    )) {
      quiet(binary, ['-t', table, ...rule.replace(/^-A/, '-D').split(' ')]);
    }
    quiet(binary, ['-t', table, '-F', chain]);
    quiet(binary, ['-t', table, '-X', chain]);
  }
}

export function tryOutput(command: string, args: string[]): string[] {
  try {
    return sh(command, args).split('\n');
  } catch {
    return [];
  }
}

/** Depth-first: a cgroup directory can only be removed once its children are. */
export function removeCgroupTree(path: string): void {
  if (!existsSync(path)) return;
  for (const entry of readdirSync(path, { withFileTypes: true }))
    if (entry.isDirectory()) removeCgroupTree(join(path, entry.name));
  quiet('rmdir', [path]);
}

/** The kubelet bind-mounts its root (rshared) and pod volumes; containerd mounts overlays and netns. */
export function unmountUnder(prefix: string): void {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(prefix));
  for (const mount of mounts.sort((a, b) => b.length - a.length)) quiet('umount', ['-l', mount]);
}

export function tryRun(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Runs one of the lab's build scripts (build-k8s.sh, build-cilium.sh, ...) and returns the bin dir it prints. */
export function labBinDir(script: string, args: string[] = []): string {
  const result = spawnSync('bash', [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`${script} failed; see its output above`);
  return result.stdout.trim().split('\n').pop()!;
}
