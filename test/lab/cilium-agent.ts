/**
 * The Cilium lab's agent (cilium-lab.ts): started from the cilium-config values it is given, written
 * as the ConfigMap and as the files of --config-dir, restarted when they change; and the Cilium node,
 * a lab node (netns-node.ts) with cilium-cni as its CNI and this agent.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, kubectl, startProcess, terminate, type LabInfo } from '../support/lab.ts';
import { tryRun } from './host.ts';
import { waitUntil } from './node-lab.ts';
import { startNetnsNode, type LabContext, type NodeSpec } from './netns-node.ts';

/**
 * cilium-agent in the node's network namespace and a private mount namespace where /proc/sys/kernel
 * is read-only (its host-wide kernel.* writes only warn), /run is a private tmpfs (it makes
 * /var/run/cilium whatever --state-dir says) and the bpffs is its own: all of it goes when it exits.
 */
export interface AgentPlace {
  /** The lab's directory: config dir, bpffs, state, socket, log. */
  dir: string;
  ciliumDir: string;
  api: LabInfo;
  /** The kubeconfig that reaches the API from inside the node's network namespace. */
  kubeconfig: string;
  netns: string;
  nodeName: string;
}

export class Agent {
  private child: ChildProcess | undefined;
  private readonly dir: string;
  private readonly ciliumDir: string;
  private readonly api: LabInfo;
  private readonly kubeconfig: string;
  private readonly place: AgentPlace;
  constructor(place: AgentPlace) {
    this.place = place;
    ({ dir: this.dir, ciliumDir: this.ciliumDir, api: this.api, kubeconfig: this.kubeconfig } = place);
  }

  async start(values: Record<string, string>): Promise<void> {
    kubectl(
      this.api,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cilium-config', namespace: 'kube-system' },
        data: values,
      }),
    );
    // The ConfigMap's keys as files, the way the DaemonSet's volume mounts them.
    const configDir = join(this.dir, 'cilium-config');
    rmSync(configDir, { recursive: true, force: true });
    mkdirSync(configDir, { recursive: true });
    for (const [key, value] of Object.entries(values)) writeFileSync(join(configDir, key), value);
    const [bpf, state, cgroup, ipMasq] = ['bpffs', 'cilium-state', 'cgroup2', 'ip-masq-agent'].map((d) =>
      join(this.dir, d),
    );
    [bpf, state, cgroup, ipMasq].forEach((d) => mkdirSync(d!, { recursive: true }));
    const healthPort = await freePort();
    const script = [
      'mount --bind /proc/sys/kernel /proc/sys/kernel',
      'mount -o remount,bind,ro /proc/sys/kernel',
      'mount -t tmpfs tmpfs /run',
      'mkdir -p /run/cilium',
      `mount -t bpf bpf ${bpf}`,
      // The DaemonSet gives the agent its node's name from spec.nodeName, as K8S_NODE_NAME.
      `export PATH=/usr/lib/llvm-19/bin:$PATH K8S_NODE_NAME=${this.place.nodeName}`,
      `exec ${join(this.ciliumDir, 'cilium-agent')} --config-dir=${configDir} --k8s-kubeconfig-path=${this.kubeconfig} --bpf-root=${bpf} --state-dir=${state}` +
        ` --lib-dir=${this.ciliumDir}/lib --socket-path=${join(this.dir, 'cilium.sock')} --cgroup-root=${cgroup} --enable-gops=false --prometheus-serve-addr= --agent-health-port=${healthPort}` +
        ` --ip-masq-agent-config-path=${join(ipMasq!, 'ip-masq-agent')}`,
    ].join('\n');
    const log = join(this.dir, 'cilium-agent.log');
    this.child = startProcess(
      'ip',
      ['netns', 'exec', this.place.netns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-ec', script],
      log,
    );
    await waitUntil(
      'cilium-agent',
      () =>
        tryRun(join(this.ciliumDir, 'cilium-dbg'), [
          '-H',
          `unix://${join(this.dir, 'cilium.sock')}`,
          'status',
          '--brief',
        ]),
      log,
      180_000,
    );
  }

  setIpMasqAgent(nonMasqueradeCIDRs: string[]): void {
    const config = JSON.stringify({ nonMasqueradeCIDRs, masqLinkLocal: false });
    kubectl(
      this.api,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ip-masq-agent', namespace: 'kube-system' },
        data: { config },
      }),
    );
    writeFileSync(join(this.dir, 'ip-masq-agent', 'ip-masq-agent'), config);
  }

  async restart(values: Record<string, string>): Promise<void> {
    await this.stop();
    await this.start(values);
  }

  async stop(): Promise<void> {
    if (this.child) await terminate(this.child);
    this.child = undefined;
  }
}

/** A node of the Cilium lab: cilium-cni as the CNI, cilium-agent (from `config`) as its agent. */
export function startCiliumNode(
  node: NodeSpec,
  lab: LabContext & { ciliumDir: string },
  config: Record<string, string>,
): Promise<Agent> {
  return startNetnsNode(node, lab, {
    cniPlugins: { 'cilium-cni': join(lab.ciliumDir, 'cilium-cni') },
    cniConfig: { name: 'cilium', plugins: [{ type: 'cilium-cni', 'enable-debug': false }] },
    // cilium-cni finds the agent through CILIUM_SOCK.
    cniEnv: { CILIUM_SOCK: join(lab.dir, 'cilium.sock') },
    startAgent: async (kubeconfig, undo) => {
      const agent = new Agent({
        dir: lab.dir,
        ciliumDir: lab.ciliumDir,
        api: lab.api,
        kubeconfig,
        netns: node.netns,
        nodeName: node.name,
      });
      undo.push(() => agent.stop());
      await agent.start(config);
      return agent;
    },
  });
}
