/**
 * A real single-node cluster whose CNI is a real cilium-agent (reference/cilium-lab.md): the API lab
 * on the machine's loopback, and a node network namespace holding containerd, the kubelet, the agent
 * (cilium-cni as the CNI) and the node's eth0, cabled to an "outside" echo host in its own namespace.
 * The agent runs from kube-system/cilium-config the way a Helm install runs it (--config-dir holding
 * the ConfigMap's keys), so `who` reads the values the datapath runs with. stop() removes every
 * process, mount, cgroup, namespace and sysctl change it made.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { kubectl, startLab, startProcess, terminate, writeKubeconfig, type LabInfo } from '../support/lab.ts';
import { Agent } from './cilium-agent.ts';
import { importImages, kubeletConfig, PROBE_IMAGE, waitUntil } from './node-lab.ts';
import { onPath, quiet, removeCgroupTree, sh, tryRun, unmountUnder } from './host.ts';

export { PROBE_IMAGE };
export const NODE_NAME = 'egress-cilium-node';
/** TEST-NET-2 lives only inside the lab's namespaces: the machine's own routes to TEST-NET-3 stay untouched. */
export const NODE_IP = '198.51.100.1';
export const ECHO_IP = '198.51.100.10';
export const POD_CIDR = '10.244.61.0/24';
export const NATIVE_ROUTING_CIDR = '10.244.0.0/16';
/** A second address of the echo host, inside the native-routing CIDR but outside every pod CIDR. */
export const NATIVE_ECHO_IP = '10.244.200.10';
const NODE_NS = 'kubectl-egress-cilium-node';
const ECHO_NS = 'kubectl-egress-cilium-echo';
/** The link that carries the kubelet's and the agent's API traffic between the machine and the node. */
const API_LINK = { host: 'egcil-api', node: 'api0', hostIP: '192.168.254.1', nodeIP: '192.168.254.2' };
const CGROUP = 'kubectl-egress-cilium-lab';
const REPO = join(import.meta.dirname, '..', '..');
const KUBELET_SYSCTLS = ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops'];

/** cilium-config as `helm install cilium` writes it for this lab (the keys the agent and `who` read). */
export const BASE_CONFIG: Record<string, string> = {
  'cluster-name': 'default', ipam: 'kubernetes', 'enable-ipv4': 'true', 'enable-ipv6': 'false',
  'routing-mode': 'native', 'ipv4-native-routing-cidr': NATIVE_ROUTING_CIDR, 'enable-ipv4-masquerade': 'true',
  'enable-bpf-masquerade': 'false', 'kube-proxy-replacement': 'false', 'bpf-lb-sock': 'false', devices: 'eth0',
  'enable-health-checking': 'false', 'enable-endpoint-health-checking': 'false', 'enable-hubble': 'false', 'enable-l7-proxy': 'false',
};

export interface CiliumLab extends LabInfo {
  echoURL: string;
  /** The echo host at NATIVE_ECHO_IP. */
  nativeEchoURL: string;
  kubeconfig: string;
  /** Writes cilium-config with these values over BASE_CONFIG and restarts the agent from it. */
  configure(values: Record<string, string>): Promise<void>;
  /** Writes ConfigMap ip-masq-agent and the file the agent watches, as the kubelet syncs a mounted ConfigMap. */
  setIpMasqAgent(nonMasqueradeCIDRs: string[]): void;
  /** `ip ARGS` in the node's network namespace (an egress IP on eth0). */
  nodeIp(args: string[]): void;
  /** cilium-dbg against the running agent's API (`status`), its output. */
  dbg(args: string[]): string;
  stop(): Promise<void>;
}

/** Why this machine cannot run the Cilium lab, or undefined when it can. */
export function ciliumLabUnsupported(): string | undefined {
  if (process.getuid?.() !== 0) return 'the Cilium lab needs root (network namespaces, bpffs, iptables)';
  const missing = ['containerd', 'runc', 'ctr', 'iptables', 'ipset', 'ip', 'nsenter', 'unshare', 'go'].filter((c) => !onPath(c));
  if (!existsSync('/usr/lib/llvm-19/bin/clang')) missing.push('clang-19 (llvm-19)');
  if (!existsSync('/usr/lib/cni/loopback')) missing.push('/usr/lib/cni/loopback');
  return missing.length > 0 ? `the Cilium lab needs ${missing.join(', ')} (scripts/install-test-deps.sh installs them)` : undefined;
}

type Step = () => void | Promise<void>;

export async function startCiliumLab(binDir: string, ciliumDir: string): Promise<CiliumLab> {
  const undo: Step[] = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const api = await startLab(binDir);
    undo.push(() => api.stop());
    const dir = mkdtempSync('/tmp/kubectl-egress-cilium-lab-');
    undo.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = Number(new URL(api.server).port);
    await cableNamespaces(dir, port, undo);
    const nodeKubeconfig = writeKubeconfig(api, 'admin', { name: 'node', server: `https://${API_LINK.hostIP}:${port}` });
    // The certificate names localhost, not the link's address.
    writeFileSync(nodeKubeconfig, readFileSync(nodeKubeconfig, 'utf8').replace('server:', 'tls-server-name: localhost, server:'));
    const sock = await startContainerd(dir, ciliumDir, undo);
    importImages(dir, sock);
    const [echoURL, nativeEchoURL] = [await startEcho(dir, ECHO_IP, undo), await startEcho(dir, NATIVE_ECHO_IP, undo)];
    kubectl(api, ['apply', '--server-side', '-f', join(ciliumDir, 'crds', 'v2'), '-f', join(ciliumDir, 'crds', 'v2alpha1')]);
    kubectl(api, ['apply', '-f', '-'], JSON.stringify(agentDaemonSet()));
    await startKubelet(dir, api, nodeKubeconfig, sock, undo);
    const agent = new Agent({ dir, ciliumDir, api, kubeconfig: nodeKubeconfig, netns: NODE_NS, nodeName: NODE_NAME });
    undo.push(() => agent.stop());
    await agent.start(BASE_CONFIG);
    // First of all at stop: the pods go while the agent can still answer cilium-cni's DEL.
    undo.push(() => deletePods(api, sock, dir));
    const { stop: _stop, ...info } = api;
    return { ...info, echoURL, nativeEchoURL, kubeconfig: writeKubeconfig(api, 'admin'), configure: (values) => agent.restart({ ...BASE_CONFIG, ...values }),
      nodeIp: (args) => void sh('ip', ['-n', NODE_NS, ...args]),
      setIpMasqAgent: (cidrs) => agent.setIpMasqAgent(cidrs),
      dbg: (args) => sh(join(ciliumDir, 'cilium-dbg'), ['-H', `unix://${join(dir, 'cilium.sock')}`, ...args]), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** node ⇄ echo on TEST-NET-2 (the node's eth0, the device Cilium masquerades on), machine ⇄ node on API_LINK. */
async function cableNamespaces(dir: string, apiPort: number, undo: Step[]): Promise<void> {
  for (const ns of [NODE_NS, ECHO_NS]) {
    sh('ip', ['netns', 'add', ns]);
    undo.push(() => quiet('ip', ['netns', 'delete', ns]));
  }
  const inNs = (ns: string, ...args: string[]) => sh('ip', ['-n', ns, ...args]);
  sh('ip', ['link', 'add', 'egcil-n0', 'netns', NODE_NS, 'type', 'veth', 'peer', 'name', 'egcil-e0', 'netns', ECHO_NS]);
  inNs(NODE_NS, 'link', 'set', 'egcil-n0', 'name', 'eth0');
  inNs(ECHO_NS, 'link', 'set', 'egcil-e0', 'name', 'eth0');
  sh('ip', ['link', 'add', API_LINK.host, 'type', 'veth', 'peer', 'name', API_LINK.node, 'netns', NODE_NS]);
  undo.push(() => quiet('ip', ['link', 'delete', API_LINK.host]));
  sh('ip', ['addr', 'add', `${API_LINK.hostIP}/30`, 'dev', API_LINK.host]);
  sh('ip', ['link', 'set', API_LINK.host, 'up']);
  // The apiserver reaches the kubelet (logs, exec) at the node's InternalIP: one host route, to one address.
  sh('ip', ['route', 'add', `${NODE_IP}/32`, 'via', API_LINK.nodeIP, 'dev', API_LINK.host]);
  inNs(NODE_NS, 'addr', 'add', `${API_LINK.nodeIP}/30`, 'dev', API_LINK.node);
  inNs(NODE_NS, 'addr', 'add', `${NODE_IP}/24`, 'dev', 'eth0');
  inNs(ECHO_NS, 'addr', 'add', `${ECHO_IP}/24`, 'dev', 'eth0');
  inNs(ECHO_NS, 'addr', 'add', `${NATIVE_ECHO_IP}/32`, 'dev', 'eth0');
  for (const ns of [NODE_NS, ECHO_NS]) for (const link of ['lo', 'eth0']) inNs(ns, 'link', 'set', link, 'up');
  inNs(NODE_NS, 'link', 'set', API_LINK.node, 'up');
  inNs(NODE_NS, 'route', 'add', 'default', 'via', ECHO_IP);
  inNs(NODE_NS, 'route', 'add', `${NATIVE_ECHO_IP}/32`, 'via', ECHO_IP);
  inNs(ECHO_NS, 'route', 'add', NATIVE_ROUTING_CIDR, 'via', NODE_IP);
  sh('ip', ['netns', 'exec', NODE_NS, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  // The apiserver listens on the machine's loopback only: a forwarder on the link's address.
  const log = join(dir, 'api-forwarder.log');
  const forwarder = startProcess(process.execPath, ['-e', `require('net').createServer((c) => { const u = require('net').connect(${apiPort}, '127.0.0.1'); c.pipe(u).pipe(c); c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); }).listen(${apiPort}, '${API_LINK.hostIP}', () => console.log('listening'))`], log);
  undo.push(() => terminate(forwarder));
  await waitUntil('the API forwarder', () => readFileSync(log, 'utf8').includes('listening'), log, 10_000);
}

function inNodeNet(binary: string, args: string[], log: string): ChildProcess {
  return startProcess('nsenter', [`--net=/run/netns/${NODE_NS}`, binary, ...args], log);
}

/** containerd in the node's network namespace, calling cilium-cni (and loopback) from its own bin dir. */
async function startContainerd(dir: string, ciliumDir: string, undo: Step[]): Promise<string> {
  const sock = join(dir, 'containerd.sock');
  const bin = join(dir, 'cni', 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, 'cni', 'net.d'), { recursive: true });
  symlinkSync(join(ciliumDir, 'cilium-cni'), join(bin, 'cilium-cni'));
  symlinkSync('/usr/lib/cni/loopback', join(bin, 'loopback'));
  writeFileSync(join(dir, 'cni', 'net.d', '05-cilium.conflist'), JSON.stringify({ cniVersion: '0.3.1', name: 'cilium', plugins: [{ type: 'cilium-cni', 'enable-debug': false }] }));
  const config = join(dir, 'containerd.toml');
  writeFileSync(config, `version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
[grpc]
  address = "${sock}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "kubectl-egress.local/pause:lab"
  restrict_oom_score_adj = true
  disable_hugetlb_controller = true
  tolerate_missing_hugetlb_controller = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${bin}"
    conf_dir = "${dir}/cni/net.d"
`);
  const log = join(dir, 'containerd.log');
  // cilium-cni finds the agent through CILIUM_SOCK, which containerd passes on to its plugins.
  process.env['CILIUM_SOCK'] = join(dir, 'cilium.sock');
  const child = inNodeNet('containerd', ['--config', config], log);
  delete process.env['CILIUM_SOCK'];
  undo.push(async () => {
    await terminate(child);
    quiet('pkill', ['-9', '-f', `containerd-shim.*${dir}`]);
    unmountUnder(dir);
  });
  await waitUntil('containerd', () => existsSync(sock) && tryRun('ctr', ['-a', sock, 'version']), log);
  return sock;
}

async function startEcho(dir: string, ip: string, undo: Step[]): Promise<string> {
  const log = join(dir, `serve-echo-${ip}.log`);
  const echo = startProcess('ip', ['netns', 'exec', ECHO_NS, process.execPath, join(REPO, 'dist', 'kubectl-egress.mjs'), 'serve-echo', '--listen', `${ip}:8080`], log);
  undo.push(() => terminate(echo));
  await waitUntil('serve-echo', () => readFileSync(log, 'utf8').includes('serving'), log, 20_000);
  return `http://${ip}:8080/`;
}

/** What `who` detects Cilium by: the agent DaemonSet as Helm makes it (no controller runs it here). */
function agentDaemonSet(): object {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'cilium', namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'cilium' } },
      template: { metadata: { labels: { 'k8s-app': 'cilium' } }, spec: {
        containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.19.7', command: ['cilium-agent'], args: ['--config-dir=/tmp/cilium/config-map'],
          volumeMounts: [{ name: 'cilium-config-path', mountPath: '/tmp/cilium/config-map', readOnly: true },
            { name: 'ip-masq-agent', mountPath: '/etc/config', readOnly: true }] }],
        volumes: [{ name: 'cilium-config-path', configMap: { name: 'cilium-config' } },
          { name: 'ip-masq-agent', configMap: { name: 'ip-masq-agent', optional: true, items: [{ key: 'config', path: 'ip-masq-agent' }] } }],
      } },
    },
  };
}

/** The kubelet in the node's network namespace, registered at NODE_IP, with its own cgroup root. */
async function startKubelet(dir: string, api: LabInfo, kubeconfig: string, sock: string, undo: Step[]): Promise<void> {
  const saved = KUBELET_SYSCTLS.map((k) => [k, readFileSync(`/proc/sys/${k}`, 'utf8').trim()] as const);
  undo.push(() => saved.forEach(([k, v]) => writeFileSync(`/proc/sys/${k}`, v)));
  const hierarchies = readdirSync('/sys/fs/cgroup');
  hierarchies.filter((c) => c !== 'unified').forEach((c) => mkdirSync(join('/sys/fs/cgroup', c, CGROUP), { recursive: true }));
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    if (existsSync(`/sys/fs/cgroup/cpuset/${file}`)) writeFileSync(`/sys/fs/cgroup/cpuset/${CGROUP}/${file}`, readFileSync(`/sys/fs/cgroup/cpuset/${file}`));
  }
  undo.push(() => hierarchies.map((c) => join('/sys/fs/cgroup', c, CGROUP)).forEach(removeCgroupTree));
  const config = join(dir, 'kubelet.yaml');
  writeFileSync(config, kubeletConfig(dir, sock, CGROUP));
  const log = join(dir, 'kubelet.log');
  const root = join(dir, 'kubelet');
  const kubelet = inNodeNet(join(api.binDir, 'kubelet'), [`--config=${config}`, `--kubeconfig=${kubeconfig}`, `--root-dir=${root}`,
    `--cert-dir=${join(root, 'pki')}`, `--hostname-override=${NODE_NAME}`, `--node-ip=${NODE_IP}`, '--v=1'], log);
  undo.push(async () => {
    await terminate(kubelet);
    unmountUnder(root);
  });
  await waitUntil('the node to register', () => tryRun(join(api.binDir, 'kubectl'), ['--kubeconfig', writeKubeconfig(api, 'admin'), 'get', 'node', NODE_NAME]), log, 120_000);
  kubectl(api, ['patch', 'node', NODE_NAME, '--type=merge', '-p', JSON.stringify({ spec: { podCIDR: POD_CIDR, podCIDRs: [POD_CIDR] } })]);
}

async function deletePods(api: LabInfo, sock: string, dir: string): Promise<void> {
  quiet(join(api.binDir, 'kubectl'), ['--kubeconfig', writeKubeconfig(api, 'admin'), 'delete', 'pods', '-A', '--field-selector', `spec.nodeName=${NODE_NAME}`, '--grace-period=0', '--wait=true', '--timeout=60s']);
  await waitUntil('pod sandboxes to go', () => !tryRun('sh', ['-c', `ctr -a ${sock} -n k8s.io containers list -q | grep -q .`]), join(dir, 'containerd.log'), 60_000).catch(() => undefined);
}
