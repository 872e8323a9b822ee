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
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, writeKubeconfig, type LabInfo } from '../support/lab.ts';
import { onPath, sh } from './host.ts';
import { startPolicyNode, type KubeRouter } from './kube-router.ts';
import { buildNetnsLab, type NodeSpec } from './netns-node.ts';
import { PROBE_IMAGE } from './node-lab.ts';
import { buildImage } from './oci-image.ts';
import { startEcho, startOutside } from './outside-host.ts';

export { PROBE_IMAGE };
export const ECHO_IP = '198.51.100.66';
/** A second address of the echo host, in the same /26: what an ipBlock's `except` can cut out. */
export const SECOND_ECHO_IP = '198.51.100.67';
export const ECHO_RANGE = '198.51.100.64/26';
/** The echo's second port, on ECHO_IP: what a port-restricted allow leaves out. */
export const OTHER_PORT = 8081;
const ECHO_NS = 'kubectl-egress-policy-echo';
/**
 * verify's probe image for this lab: busybox whose shell waits SETTLE_SECONDS before it runs the
 * probe's script. kube-router programs a pod's chain only once it sees the pod's IP, and verify's
 * probe is a new pod that sends at once: with the plain image the probe outran the enforcer in every
 * try (18 of 18), so verify saw a blocked flow get out. The wait stands in for one in the probe itself.
 * (It has to be the shell: busybox's sh runs its own wget applet, never a wget found on PATH.)
 */
export const SETTLED_PROBE_IMAGE = 'kubectl-egress.local/busybox-settled:lab';
const SETTLE_SECONDS = 3;

export const POLICY_NODE: NodeSpec = {
  name: 'egress-policy-node', netns: 'kubectl-egress-policy-node', ip: '198.51.100.65', podCIDR: '10.244.91.0/24',
  apiLink: { host: 'egpol-api', hostIP: '192.168.254.17', nodeIP: '192.168.254.18' }, bridgePort: 'node1', cgroup: 'kubectl-egress-policy-lab',
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
  const missing = ['containerd', 'runc', 'ctr', 'iptables', 'iptables-save', 'iptables-restore', 'ipset', 'ip', 'nsenter', 'go'].filter((c) => !onPath(c));
  missing.push(...['/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback', '/bin/busybox'].filter((f) => !existsSync(f)));
  return missing.length > 0 ? `the policy lab needs ${missing.join(', ')} (scripts/install-test-deps.sh installs them)` : undefined;
}

export function startPolicyLab(binDir: string, kubeRouterDir: string): Promise<PolicyLab> {
  return buildNetnsLab(binDir, '/tmp/kubectl-egress-policy-lab-', async ({ api, dir, undo, stop }) => {
    // Pods keep their address: the echo's replies go back through the node.
    startOutside({ netns: ECHO_NS, bridge: 'br0', addresses: [`${ECHO_IP}/26`, `${SECOND_ECHO_IP}/26`], routes: [[POLICY_NODE.podCIDR, POLICY_NODE.ip]] }, undo);
    const echoURL = await startEcho(dir, ECHO_NS, ECHO_IP, undo);
    const otherPortURL = await startEcho(dir, ECHO_NS, ECHO_IP, undo, OTHER_PORT);
    const secondEchoURL = await startEcho(dir, ECHO_NS, SECOND_ECHO_IP, undo);
    const context = { dir: join(dir, POLICY_NODE.name), api, outsideNetns: ECHO_NS, bridge: 'br0', router: ECHO_IP, undo };
    const router = await startPolicyNode(POLICY_NODE, context, kubeRouterDir);
    importSettledProbe(context.dir);
    const { stop: _stop, ...info } = api;
    return { ...info, echoURL, otherPortURL, secondEchoURL, router, kubeconfig: writeKubeconfig(api, 'admin'),
      applyPolicy: async (policy) => {
        kubectl(api, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...policy }));
        await router.synced(policy.metadata.name);
      },
      stop };
  });
}

/** SETTLED_PROBE_IMAGE into the node's containerd. */
function importSettledProbe(nodeDir: string): void {
  const rootfs = join(nodeDir, 'rootfs-busybox-settled');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  for (const applet of ['wget', 'timeout', 'false', 'sleep']) symlinkSync('busybox', join(rootfs, 'bin', applet));
  writeFileSync(join(rootfs, 'bin', 'sh'), `#!/bin/busybox sh\nsleep ${SETTLE_SECONDS}\nexec /bin/busybox sh "$@"\n`, { mode: 0o755 });
  const archive = buildImage(nodeDir, { name: SETTLED_PROBE_IMAGE, rootfs, entrypoint: ['/bin/sh'] });
  sh('ctr', ['-a', join(nodeDir, 'containerd.sock'), '-n', 'k8s.io', 'images', 'import', archive]);
}
