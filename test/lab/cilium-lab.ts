/**
 * A real Cilium cluster of one or two nodes (reference/cilium-lab.md): the API lab on the machine's
 * loopback; node network namespaces (netns-node.ts, cilium-agent.ts) each holding containerd, the kubelet and a
 * cilium-agent (cilium-cni as the CNI), their eth0 plugged into a bridge in an "outside" namespace
 * where the echo host lives. The agents run from kube-system/cilium-config the way a Helm install runs
 * them (--config-dir holding the ConfigMap's keys), so `who` reads the values the datapath runs with.
 * The workload node starts with the lab; the gateway node joins when a test asks for it.
 * stop() removes every process, mount, cgroup, namespace and sysctl change it made.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, writeKubeconfig, type LabInfo } from '../support/lab.ts';
import { startCiliumNode, type Agent } from './cilium-agent.ts';
import { buildNetnsLab, type LabContext, type NodeSpec } from './netns-node.ts';
import { PROBE_IMAGE, waitUntil } from './node-lab.ts';
import { onPath, sh } from './host.ts';
import { OTHER_PORT, startEcho, startOutside } from './outside-host.ts';

export { OTHER_PORT, PROBE_IMAGE };
/** TEST-NET-2 lives only inside the lab's namespaces: the machine's own routes to TEST-NET-3 stay untouched. */
export const ECHO_IP = '198.51.100.10';
/** A second address of the echo host on the outside network (a destination a policy can exclude). */
export const SECOND_ECHO_IP = '198.51.100.11';
/** Both echo addresses on the outside network, and nothing else that answers. */
export const ECHO_RANGE = '198.51.100.8/29';
export const NATIVE_ROUTING_CIDR = '10.244.0.0/16';
/** A third address of the echo host, inside the native-routing CIDR but outside every pod CIDR. */
export const NATIVE_ECHO_IP = '10.244.200.10';
const ECHO_NS = 'kubectl-egress-cilium-echo';
const BRIDGE = 'br0';

/** Where the test pods run. */
export const WORKLOAD_NODE: NodeSpec = {
  name: 'egress-cilium-node',
  netns: 'kubectl-egress-cilium-node',
  ip: '198.51.100.1',
  podCIDR: '10.244.61.0/24',
  apiLink: { host: 'egcil-api', hostIP: '192.168.254.1', nodeIP: '192.168.254.2' },
  bridgePort: 'node1',
  cgroup: 'kubectl-egress-cilium-lab',
  routes: [[`${NATIVE_ECHO_IP}/32`, ECHO_IP]],
};
/** The second node: runs no test pods, only an agent that can be an egress gateway. */
export const GATEWAY_NODE: NodeSpec = {
  name: 'egress-cilium-gateway',
  netns: 'kubectl-egress-cilium-gw',
  ip: '198.51.100.2',
  podCIDR: '10.244.62.0/24',
  apiLink: { host: 'egcil-api2', hostIP: '192.168.254.5', nodeIP: '192.168.254.6' },
  bridgePort: 'node2',
  cgroup: 'kubectl-egress-cilium-lab-gw',
};
export const NODE_NAME = WORKLOAD_NODE.name;
export const NODE_IP = WORKLOAD_NODE.ip;
export const POD_CIDR = WORKLOAD_NODE.podCIDR;

/** cilium-config as `helm install cilium` writes it for this lab (the keys the agent and `who` read). */
export const BASE_CONFIG: Record<string, string> = {
  'cluster-name': 'default',
  ipam: 'kubernetes',
  'enable-ipv4': 'true',
  'enable-ipv6': 'false',
  'routing-mode': 'native',
  'ipv4-native-routing-cidr': NATIVE_ROUTING_CIDR,
  'enable-ipv4-masquerade': 'true',
  'enable-bpf-masquerade': 'false',
  'kube-proxy-replacement': 'false',
  'bpf-lb-sock': 'false',
  devices: 'eth0',
  'enable-health-checking': 'false',
  'enable-endpoint-health-checking': 'false',
  'enable-hubble': 'false',
  'enable-l7-proxy': 'false',
};

export interface CiliumLab extends LabInfo {
  echoURL: string;
  /** The echo host at SECOND_ECHO_IP. */
  secondEchoURL: string;
  /** The echo host at ECHO_IP:OTHER_PORT. */
  otherPortURL: string;
  /** The echo host at NATIVE_ECHO_IP. */
  nativeEchoURL: string;
  kubeconfig: string;
  /** Writes cilium-config with these values over BASE_CONFIG and restarts every agent from it. */
  configure(values: Record<string, string>): Promise<void>;
  /** Writes ConfigMap ip-masq-agent and the file each agent watches, as the kubelet syncs a mounted ConfigMap. */
  setIpMasqAgent(nonMasqueradeCIDRs: string[]): void;
  /** `ip ARGS` in a node's network namespace (an egress IP on eth0); the workload node by default. */
  nodeIp(args: string[], node?: NodeSpec): void;
  /** Starts GATEWAY_NODE (kubelet, containerd, agent with the current cilium-config); once. */
  addGatewayNode(): Promise<void>;
  /** cilium-dbg against the workload node's agent (`status`), its output. */
  dbg(args: string[]): string;
  /** Applies a CiliumNetworkPolicy; resolves once the workload node's endpoints all run with it. */
  applyPolicy(policy: { metadata: { name: string; namespace: string }; spec: object }): Promise<void>;
  /** Deletes a CiliumNetworkPolicy; resolves once the workload node's endpoints all run without it. */
  deletePolicy(metadata: { name: string; namespace: string }): Promise<void>;
  stop(): Promise<void>;
}

/** Why this machine cannot run the Cilium lab, or undefined when it can. */
export function ciliumLabUnsupported(): string | undefined {
  if (process.getuid?.() !== 0) return 'the Cilium lab needs root (network namespaces, bpffs, iptables)';
  const missing = [
    'containerd',
    'runc',
    'ctr',
    'iptables',
    'ipset',
    'ip',
    'nsenter',
    'unshare',
    'go',
    'bpftool',
  ].filter((c) => !onPath(c));
  if (!existsSync('/usr/lib/llvm-19/bin/clang')) missing.push('clang-19 (llvm-19)');
  if (!existsSync('/usr/lib/cni/loopback')) missing.push('/usr/lib/cni/loopback');
  return missing.length > 0
    ? `the Cilium lab needs ${missing.join(', ')} (scripts/install-test-deps.sh installs them)`
    : undefined;
}

export function startCiliumLab(binDir: string, ciliumDir: string): Promise<CiliumLab> {
  return buildNetnsLab(binDir, '/tmp/kubectl-egress-cilium-lab-', async ({ api, dir, undo, stop }) => {
    // Replies to pods that keep their own address (native routing) go back through the workload node.
    startOutside(
      {
        netns: ECHO_NS,
        bridge: BRIDGE,
        addresses: [`${ECHO_IP}/24`, `${SECOND_ECHO_IP}/24`, `${NATIVE_ECHO_IP}/32`],
        routes: [[NATIVE_ROUTING_CIDR, WORKLOAD_NODE.ip]],
      },
      undo,
    );
    const echo = (ip: string) => startEcho(dir, ECHO_NS, ip, undo);
    const [echoURL, secondEchoURL, nativeEchoURL] = [
      await echo(ECHO_IP),
      await echo(SECOND_ECHO_IP),
      await echo(NATIVE_ECHO_IP),
    ];
    const otherPortURL = await startEcho(dir, ECHO_NS, ECHO_IP, undo, OTHER_PORT);
    kubectl(api, [
      'apply',
      '--server-side',
      '-f',
      join(ciliumDir, 'crds', 'v2'),
      '-f',
      join(ciliumDir, 'crds', 'v2alpha1'),
    ]);
    kubectl(api, ['apply', '-f', '-'], JSON.stringify(agentDaemonSet()));
    const context = (node: NodeSpec): LabContext & { ciliumDir: string } => ({
      dir: join(dir, node.name),
      ciliumDir,
      api,
      outsideNetns: ECHO_NS,
      bridge: BRIDGE,
      router: ECHO_IP,
      undo,
    });
    let config = BASE_CONFIG;
    const agents: Agent[] = [await startCiliumNode(WORKLOAD_NODE, context(WORKLOAD_NODE), config)];
    const { stop: _stop, ...info } = api;
    const dbg = (args: string[]) =>
      sh(join(ciliumDir, 'cilium-dbg'), ['-H', `unix://${join(dir, WORKLOAD_NODE.name, 'cilium.sock')}`, ...args]);
    const log = join(dir, WORKLOAD_NODE.name, 'cilium-agent.log');
    return {
      ...info,
      echoURL,
      secondEchoURL,
      nativeEchoURL,
      otherPortURL,
      kubeconfig: writeKubeconfig(api, 'admin'),
      configure: async (values) => {
        config = { ...BASE_CONFIG, ...values };
        for (const agent of agents) await agent.restart(config);
      },
      nodeIp: (args, node = WORKLOAD_NODE) => void sh('ip', ['-n', node.netns, ...args]),
      setIpMasqAgent: (cidrs) => agents.forEach((agent) => agent.setIpMasqAgent(cidrs)),
      addGatewayNode: async () => {
        if (agents.length === 1) agents.push(await startCiliumNode(GATEWAY_NODE, context(GATEWAY_NODE), config));
      },
      dbg,
      applyPolicy: async (policy) => {
        kubectl(
          api,
          ['apply', '-f', '-'],
          JSON.stringify({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', ...policy }),
        );
        await policyRealized(dbg, policy.metadata, true, log);
      },
      deletePolicy: async (metadata) => {
        kubectl(api, ['-n', metadata.namespace, 'delete', 'ciliumnetworkpolicy', metadata.name]);
        await policyRealized(dbg, metadata, false, log);
      },
      stop,
    };
  });
}

/**
 * Waits until the agent holds a CiliumNetworkPolicy (or no longer does), then until every endpoint
 * runs with that policy revision. `cilium-dbg policy get` lists the imported entries (pkg/policy/types
 * PolicyEntry, its `Labels` those of pkg/k8s/apis/cilium.io/utils GetPolicyLabels: policy name and
 * namespace) and the repository's revision; `cilium-dbg policy wait REV` returns once each endpoint's
 * realized revision reaches it (cilium-dbg/cmd/policy_wait.go). Deterministic where a sleep would guess.
 */
async function policyRealized(
  dbg: (args: string[]) => string,
  policy: { name: string; namespace: string },
  present: boolean,
  log: string,
): Promise<void> {
  let revision = 0;
  await waitUntil(
    `cilium-agent to ${present ? 'import' : 'drop'} CiliumNetworkPolicy ${policy.namespace}/${policy.name}`,
    () => {
      const held = JSON.parse(dbg(['policy', 'get', '-o', 'json'])) as { revision: number; policy?: string };
      const rules = JSON.parse(held.policy || '[]') as { Labels?: { key: string; value: string }[] }[];
      const has = (rule: (typeof rules)[number], key: string, value: string) =>
        rule.Labels?.some((l) => l.key === key && l.value === value) === true;
      const found = rules.some(
        (r) =>
          has(r, 'io.cilium.k8s.policy.name', policy.name) &&
          has(r, 'io.cilium.k8s.policy.namespace', policy.namespace),
      );
      revision = held.revision;
      return found === present;
    },
    log,
    60_000,
  );
  dbg(['policy', 'wait', String(revision), '--max-wait-time', '60']);
}

/** What `who` detects Cilium by: the agent DaemonSet as Helm makes it (no controller runs it here). */
function agentDaemonSet(): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'cilium', namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'cilium' } },
      template: {
        metadata: { labels: { 'k8s-app': 'cilium' } },
        spec: {
          containers: [
            {
              name: 'cilium-agent',
              image: 'quay.io/cilium/cilium:v1.19.7',
              command: ['cilium-agent'],
              args: ['--config-dir=/tmp/cilium/config-map'],
              volumeMounts: [
                { name: 'cilium-config-path', mountPath: '/tmp/cilium/config-map', readOnly: true },
                { name: 'ip-masq-agent', mountPath: '/etc/config', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'cilium-config-path', configMap: { name: 'cilium-config' } },
            {
              name: 'ip-masq-agent',
              configMap: { name: 'ip-masq-agent', optional: true, items: [{ key: 'config', path: 'ip-masq-agent' }] },
            },
          ],
        },
      },
    },
  };
}
