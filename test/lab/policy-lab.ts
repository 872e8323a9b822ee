/**
 * A real NetworkPolicy enforcer in a one-node cluster: the API lab on the machine's loopback; a node
 * network namespace (netns-node.ts) holding containerd, the kubelet, the bridge CNI and kube-router's
 * network policy controller (kube-router.ts); its eth0 plugged into a bridge in an "outside" namespace
 * where the echo host listens on two addresses and two ports. Pods keep their own address on the way
 * out (the bridge's ipMasq is off), so the echo sees the pod IP. Addresses never collide with the
 * Cilium lab's (198.51.100.1-.11, 192.168.254.0/29): this lab uses 198.51.100.64/26 inside its
 * namespaces, 192.168.254.16/30 for the API link and one /32 host route to the node.
 * stop() removes every process, mount, cgroup, namespace (with its chains and ipsets) and sysctl change it made.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, writeKubeconfig, type LabInfo } from '../support/lab.ts';
import { onPath } from './host.ts';
import { startPolicyNode, type KubeRouter } from './kube-router.ts';
import { buildNetnsLab, type NodeSpec } from './netns-node.ts';
import { PROBE_IMAGE } from './node-lab.ts';
import { OTHER_PORT, startEcho, startOutside } from './outside-host.ts';

export { OTHER_PORT, PROBE_IMAGE };
export const ECHO_IP = '198.51.100.66';
/** A second address of the echo host, in the same /26: what an ipBlock's `except` can cut out. */
export const SECOND_ECHO_IP = '198.51.100.67';
export const ECHO_RANGE = '198.51.100.64/26';
const ECHO_NS = 'kubectl-egress-policy-echo';
export const POLICY_NODE: NodeSpec = {
  name: 'egress-policy-node',
  netns: 'kubectl-egress-policy-node',
  ip: '198.51.100.65',
  podCIDR: '10.244.91.0/24',
  apiLink: { host: 'egpol-api', hostIP: '192.168.254.17', nodeIP: '192.168.254.18' },
  bridgePort: 'node1',
  cgroup: 'kubectl-egress-policy-lab',
};

export interface PolicyLab extends LabInfo {
  kubeconfig: string;
  /** serve-echo at ECHO_IP:8080, ECHO_IP:OTHER_PORT and SECOND_ECHO_IP:8080. */
  echoURL: string;
  otherPortURL: string;
  secondEchoURL: string;
  router: KubeRouter;
  /** Applies a NetworkPolicy and resolves once kube-router has programmed it for a pod it selects on the node. */
  applyPolicy(policy: { metadata: { name: string; namespace: string }; spec: object }): Promise<void>;
  stop(): Promise<void>;
}

/** Why this machine cannot run the policy lab, or undefined when it can. */
export function policyLabUnsupported(): string | undefined {
  if (process.getuid?.() !== 0) return 'the policy lab needs root (network namespaces, iptables, ipset, cgroups)';
  const missing = [
    'containerd',
    'runc',
    'ctr',
    'iptables',
    'iptables-save',
    'iptables-restore',
    'ipset',
    'ip',
    'nsenter',
    'go',
  ].filter((c) => !onPath(c));
  missing.push(
    ...['/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback', '/bin/busybox'].filter(
      (f) => !existsSync(f),
    ),
  );
  return missing.length > 0
    ? `the policy lab needs ${missing.join(', ')} (scripts/install-test-deps.sh installs them)`
    : undefined;
}

export function startPolicyLab(binDir: string, kubeRouterDir: string): Promise<PolicyLab> {
  return buildNetnsLab(binDir, '/tmp/kubectl-egress-policy-lab-', async ({ api, dir, undo, stop }) => {
    // Pods keep their address: the echo's replies go back through the node.
    startOutside(
      {
        netns: ECHO_NS,
        bridge: 'br0',
        addresses: [`${ECHO_IP}/26`, `${SECOND_ECHO_IP}/26`],
        routes: [[POLICY_NODE.podCIDR, POLICY_NODE.ip]],
      },
      undo,
    );
    const echoURL = await startEcho(dir, ECHO_NS, ECHO_IP, undo);
    const otherPortURL = await startEcho(dir, ECHO_NS, ECHO_IP, undo, OTHER_PORT);
    const secondEchoURL = await startEcho(dir, ECHO_NS, SECOND_ECHO_IP, undo);
    const context = {
      dir: join(dir, POLICY_NODE.name),
      api,
      outsideNetns: ECHO_NS,
      bridge: 'br0',
      router: ECHO_IP,
      undo,
    };
    const router = await startPolicyNode(POLICY_NODE, context, kubeRouterDir);
    kubectl(api, ['apply', '-f', '-'], JSON.stringify(kubeRouterDaemonSet()));
    const { stop: _stop, ...info } = api;
    return {
      ...info,
      echoURL,
      otherPortURL,
      secondEchoURL,
      router,
      kubeconfig: writeKubeconfig(api, 'admin'),
      applyPolicy: async (policy) => {
        kubectl(
          api,
          ['apply', '-f', '-'],
          JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...policy }),
        );
        await router.synced(policy.metadata.name);
      },
      stop,
    };
  });
}

/**
 * What `who` finds the enforcer by: kube-router's DaemonSet as its generic manifest makes it
 * (daemonset/generic-kuberouter-only-advertise-routes.yaml and friends; no controller runs it here,
 * the lab starts the process itself), with the flags the lab runs it with.
 */
function kubeRouterDaemonSet(): object {
  const labels = { 'k8s-app': 'kube-router' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-router', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: 'kube-router',
              image: 'docker.io/cloudnativelabs/kube-router:v2.1.0',
              args: ['--run-router=false', '--run-firewall=true', '--run-service-proxy=false', '--enable-cni=false'],
            },
          ],
        },
      },
    },
  };
}
