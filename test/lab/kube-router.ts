/**
 * The policy lab's enforcer (policy-lab.ts): kube-router v2.1.0 running only its network policy
 * controller, in a lab node (netns-node.ts) whose pods use the bridge CNI. It reads pods, namespaces
 * and NetworkPolicies from the API and programs iptables chains and ipsets for the pods whose
 * status.hostIP is the node's InternalIP (pkg/controllers/netpol/pod.go, getLocalPods), all inside
 * the node's network namespace (ipsets are per network namespace, as iptables rules are).
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startProcess, terminate } from '../support/lab.ts';
import { sh, tryRun } from './host.ts';
import { startNetnsNode, type LabContext, type NodeSpec } from './netns-node.ts';
import { waitUntil } from './node-lab.ts';

/** Only the network policy controller (the flags of pkg/options/options.go): no routing, no service proxy, no CNI config, no listeners. */
const FLAGS = [
  '--run-firewall=true',
  '--run-router=false',
  '--run-service-proxy=false',
  '--enable-cni=false',
  '--health-port=0',
  '--metrics-port=0',
  '--v=2',
];

export class KubeRouter {
  private child: ChildProcess | undefined;
  private readonly binary: string;
  private readonly netns: string;
  private readonly dir: string;
  constructor(binary: string, netns: string, dir: string) {
    this.binary = binary;
    this.netns = netns;
    this.dir = dir;
  }

  async start(kubeconfig: string, nodeName: string): Promise<void> {
    const log = join(this.dir, 'kube-router.log');
    // `ip netns exec` execs kube-router itself, so terminating this child stops it.
    this.child = startProcess(
      'ip',
      [
        'netns',
        'exec',
        this.netns,
        this.binary,
        `--kubeconfig=${kubeconfig}`,
        `--hostname-override=${nodeName}`,
        ...FLAGS,
      ],
      log,
    );
    // Its top-level chain exists once the controller has made its first full sync.
    await waitUntil(
      "kube-router's network policy controller",
      () => tryRun('ip', ['netns', 'exec', this.netns, 'iptables', '-t', 'filter', '-S', 'KUBE-ROUTER-FORWARD']),
      log,
      120_000,
    );
  }

  /** The node's filter table as iptables-save prints it. */
  filterRules(): string {
    return sh('ip', ['netns', 'exec', this.netns, 'iptables-save', '-t', 'filter']);
  }

  /** The names of the ipsets in the node's network namespace. */
  ipsets(): string[] {
    return sh('ip', ['netns', 'exec', this.netns, 'ipset', 'list', '-n']).split('\n').filter(Boolean);
  }

  /**
   * Resolves once kube-router has programmed the named policy for a pod it selects: every selected
   * local pod's firewall chain then jumps to the policy's chain with the comment "run through nw
   * policy NAME" (pkg/controllers/netpol/pod.go). A policy that selects no pod on the node never shows.
   */
  synced(policyName: string): Promise<void> {
    return waitUntil(
      `kube-router to program NetworkPolicy ${policyName}`,
      () => this.filterRules().includes(`run through nw policy ${policyName}"`),
      join(this.dir, 'kube-router.log'),
      60_000,
    );
  }

  async stop(): Promise<void> {
    if (this.child) await terminate(this.child);
    this.child = undefined;
  }
}

/** A node of the policy lab: the bridge CNI (pods keep their address on the way out) and kube-router. */
export function startPolicyNode(node: NodeSpec, lab: LabContext, kubeRouterDir: string): Promise<KubeRouter> {
  return startNetnsNode(node, lab, {
    cniPlugins: { bridge: '/usr/lib/cni/bridge', 'host-local': '/usr/lib/cni/host-local' },
    cniConfig: {
      name: 'egress-policy',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni-policy0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: join(lab.dir, 'cni', 'ipam'),
            ranges: [[{ subnet: node.podCIDR }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
      ],
    },
    startAgent: async (kubeconfig, undo) => {
      const router = new KubeRouter(join(kubeRouterDir, 'kube-router'), node.netns, lab.dir);
      undo.push(() => router.stop());
      await router.start(kubeconfig, node.name);
      return router;
    },
  });
}
