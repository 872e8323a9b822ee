/**
 * One node of a lab that runs a node agent (the Cilium lab, cilium-lab.ts; the policy lab,
 * policy-lab.ts): its own network namespace, cabled to the lab's "outside" bridge by eth0 and to the
 * machine by a link that carries its API traffic; containerd, the kubelet, the lab's CNI and its agent
 * inside it. Every step it takes is pushed on the lab's undo list, so stopping the lab takes it all
 * down in reverse order.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { kubectl, startLab, startProcess, terminate, writeKubeconfig, type Lab, type LabInfo } from '../support/lab.ts';
import { containerdConfig, importImages, kubeletConfig, waitUntil } from './node-lab.ts';
import { quiet, removeCgroupTree, sh, tryRun, unmountUnder } from './host.ts';

export type Step = () => void | Promise<void>;

const KUBELET_SYSCTLS = ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops'];

export interface NodeSpec {
  name: string;
  netns: string;
  /** The node's InternalIP, on eth0. */
  ip: string;
  podCIDR: string;
  /** The veth pair to the machine: its ends' names and /30 addresses. */
  apiLink: { host: string; hostIP: string; nodeIP: string };
  /** The veth end on the outside bridge. */
  bridgePort: string;
  cgroup: string;
  /** More routes than the default one, as [destination, via]. */
  routes?: [string, string][];
}

export interface LabContext {
  /** This node's own directory: containerd, kubelet and agent state, logs. */
  dir: string;
  api: LabInfo;
  /** The outside namespace holding the bridge the node's eth0 is plugged into. */
  outsideNetns: string;
  bridge: string;
  /** The default gateway of the node: the outside host. */
  router: string;
  undo: Step[];
}

/** What makes a node of one lab differ from another's: its CNI and its agent. */
export interface NodeRuntime<A> {
  /** CNI plugin binaries by type, linked into the node's CNI bin dir (loopback is always there). */
  cniPlugins: Record<string, string>;
  /** The network config list containerd reads from the node's net.d. */
  cniConfig: { name: string; plugins: object[] };
  /** Environment containerd passes on to its CNI plugins. */
  cniEnv?: Record<string, string>;
  /**
   * Starts the node's agent once its kubelet has registered, reaching the API with `kubeconfig`.
   * Pushes its own stop on `undo` before it starts, so a failed start is cleaned up too.
   */
  startAgent(kubeconfig: string, undo: Step[]): Promise<A>;
}

/** Cables the node, starts containerd, the kubelet and the runtime's agent, and returns the agent. */
export async function startNetnsNode<A>(node: NodeSpec, lab: LabContext, runtime: NodeRuntime<A>): Promise<A> {
  mkdirSync(lab.dir, { recursive: true });
  cableNode(node, lab);
  const port = Number(new URL(lab.api.server).port);
  await startApiForwarder(node, lab, port);
  const kubeconfig = writeKubeconfig(lab.api, 'admin', {
    name: node.name,
    server: `https://${node.apiLink.hostIP}:${port}`,
  });
  // The certificate names localhost, not the link's address.
  writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8').replace('server:', 'tls-server-name: localhost, server:'));
  const sock = await startContainerd(node, lab, runtime);
  importImages(lab.dir, sock);
  await startKubelet(node, lab, kubeconfig, sock);
  const agent = await runtime.startAgent(kubeconfig, lab.undo);
  // Before the agent stops: the pods go while it can still answer its CNI plugin's DEL.
  lab.undo.push(() => deletePods(node, lab, sock));
  return agent;
}

export interface LabBase {
  api: Lab;
  /** The lab's own directory under /tmp. */
  dir: string;
  undo: Step[];
  /** Runs the undo list in reverse; once. */
  stop(): Promise<void>;
}

/**
 * What every lab of netns nodes starts with: the API lab and a directory, on an undo list, and the
 * host-wide sysctls the kubelets write (wherever their network namespace) saved to be put back.
 * Then `build` adds the rest; if it throws, everything made so far is undone at once.
 */
export async function buildNetnsLab<T>(
  binDir: string,
  dirPrefix: string,
  build: (base: LabBase) => Promise<T>,
): Promise<T> {
  const undo: Step[] = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const api = await startLab(binDir);
    undo.push(() => api.stop());
    const dir = mkdtempSync(dirPrefix);
    undo.push(() => rmSync(dir, { recursive: true, force: true }));
    const saved = KUBELET_SYSCTLS.map((k) => [k, readFileSync(`/proc/sys/${k}`, 'utf8').trim()] as const);
    undo.push(() => saved.forEach(([k, v]) => writeFileSync(`/proc/sys/${k}`, v)));
    return await build({ api, dir, undo, stop });
  } catch (error) {
    await stop();
    throw error;
  }
}

/** eth0 on the outside bridge, and the link to the machine that the kubelet and the agent reach the API by. */
function cableNode(node: NodeSpec, lab: LabContext): void {
  sh('ip', ['netns', 'add', node.netns]);
  lab.undo.push(() => quiet('ip', ['netns', 'delete', node.netns]));
  const inNs = (...args: string[]) => sh('ip', ['-n', node.netns, ...args]);
  sh('ip', [
    'link',
    'add',
    'lab-eth0',
    'netns',
    node.netns,
    'type',
    'veth',
    'peer',
    'name',
    node.bridgePort,
    'netns',
    lab.outsideNetns,
  ]);
  inNs('link', 'set', 'lab-eth0', 'name', 'eth0');
  sh('ip', ['-n', lab.outsideNetns, 'link', 'set', node.bridgePort, 'master', lab.bridge, 'up']);
  sh('ip', ['link', 'add', node.apiLink.host, 'type', 'veth', 'peer', 'name', 'api0', 'netns', node.netns]);
  lab.undo.push(() => quiet('ip', ['link', 'delete', node.apiLink.host]));
  sh('ip', ['addr', 'add', `${node.apiLink.hostIP}/30`, 'dev', node.apiLink.host]);
  sh('ip', ['link', 'set', node.apiLink.host, 'up']);
  // The apiserver reaches the kubelet (logs, exec) at the node's InternalIP: one host route, to one address.
  sh('ip', ['route', 'add', `${node.ip}/32`, 'via', node.apiLink.nodeIP, 'dev', node.apiLink.host]);
  inNs('addr', 'add', `${node.apiLink.nodeIP}/30`, 'dev', 'api0');
  inNs('addr', 'add', `${node.ip}/24`, 'dev', 'eth0');
  for (const link of ['lo', 'eth0', 'api0']) inNs('link', 'set', link, 'up');
  inNs('route', 'add', 'default', 'via', lab.router);
  for (const [destination, via] of node.routes ?? []) inNs('route', 'add', destination, 'via', via);
  sh('ip', ['netns', 'exec', node.netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
}

/** The apiserver listens on the machine's loopback only: a forwarder on the node link's address. */
async function startApiForwarder(node: NodeSpec, lab: LabContext, apiPort: number): Promise<void> {
  const log = join(lab.dir, 'api-forwarder.log');
  const script =
    `require('net').createServer((c) => { const u = require('net').connect(${apiPort}, '127.0.0.1'); c.pipe(u).pipe(c);` +
    ` c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); }).listen(${apiPort}, '${node.apiLink.hostIP}', () => console.log('listening'))`;
  const forwarder = startProcess(process.execPath, ['-e', script], log);
  lab.undo.push(() => terminate(forwarder));
  await waitUntil('the API forwarder', () => readFileSync(log, 'utf8').includes('listening'), log, 10_000);
}

function inNodeNet(node: NodeSpec, binary: string, args: string[], log: string): ChildProcess {
  return startProcess('nsenter', [`--net=/run/netns/${node.netns}`, binary, ...args], log);
}

/** containerd in the node's network namespace, calling the runtime's CNI plugins (and loopback) from its own bin dir. */
async function startContainerd<A>(node: NodeSpec, lab: LabContext, runtime: NodeRuntime<A>): Promise<string> {
  const { dir } = lab;
  const sock = join(dir, 'containerd.sock');
  const bin = join(dir, 'cni', 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, 'cni', 'net.d'), { recursive: true });
  for (const [type, path] of Object.entries({ ...runtime.cniPlugins, loopback: '/usr/lib/cni/loopback' }))
    symlinkSync(path, join(bin, type));
  writeFileSync(
    join(dir, 'cni', 'net.d', `10-${runtime.cniConfig.name}.conflist`),
    JSON.stringify({ cniVersion: '0.3.1', ...runtime.cniConfig }),
  );
  const config = join(dir, 'containerd.toml');
  writeFileSync(config, containerdConfig(dir, sock, bin));
  const log = join(dir, 'containerd.log');
  // containerd passes its own environment on to the CNI plugins it runs.
  const env = Object.entries(runtime.cniEnv ?? {});
  env.forEach(([k, v]) => (process.env[k] = v));
  const child = inNodeNet(node, 'containerd', ['--config', config], log);
  env.forEach(([k]) => delete process.env[k]);
  lab.undo.push(async () => {
    await terminate(child);
    quiet('pkill', ['-9', '-f', `containerd-shim.*${dir}`]);
    unmountUnder(dir);
  });
  await waitUntil('containerd', () => existsSync(sock) && tryRun('ctr', ['-a', sock, 'version']), log);
  return sock;
}

/** The kubelet in the node's network namespace, registered at the node's IP, with its own cgroup root. */
async function startKubelet(node: NodeSpec, lab: LabContext, kubeconfig: string, sock: string): Promise<void> {
  const hierarchies = readdirSync('/sys/fs/cgroup');
  hierarchies
    .filter((c) => c !== 'unified')
    .forEach((c) => mkdirSync(join('/sys/fs/cgroup', c, node.cgroup), { recursive: true }));
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    if (existsSync(`/sys/fs/cgroup/cpuset/${file}`))
      writeFileSync(`/sys/fs/cgroup/cpuset/${node.cgroup}/${file}`, readFileSync(`/sys/fs/cgroup/cpuset/${file}`));
  }
  lab.undo.push(() => hierarchies.map((c) => join('/sys/fs/cgroup', c, node.cgroup)).forEach(removeCgroupTree));
  const config = join(lab.dir, 'kubelet.yaml');
  writeFileSync(config, kubeletConfig(lab.dir, sock, node.cgroup));
  const log = join(lab.dir, 'kubelet.log');
  const root = join(lab.dir, 'kubelet');
  const kubelet = inNodeNet(
    node,
    join(lab.api.binDir, 'kubelet'),
    [
      `--config=${config}`,
      `--kubeconfig=${kubeconfig}`,
      `--root-dir=${root}`,
      `--cert-dir=${join(root, 'pki')}`,
      `--hostname-override=${node.name}`,
      `--node-ip=${node.ip}`,
      '--v=1',
    ],
    log,
  );
  lab.undo.push(async () => {
    await terminate(kubelet);
    unmountUnder(root);
  });
  const admin = writeKubeconfig(lab.api, 'admin');
  await waitUntil(
    `node ${node.name} to register`,
    () => tryRun(join(lab.api.binDir, 'kubectl'), ['--kubeconfig', admin, 'get', 'node', node.name]),
    log,
    120_000,
  );
  kubectl(lab.api, [
    'patch',
    'node',
    node.name,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] } }),
  ]);
}

async function deletePods(node: NodeSpec, lab: LabContext, sock: string): Promise<void> {
  quiet(join(lab.api.binDir, 'kubectl'), [
    '--kubeconfig',
    writeKubeconfig(lab.api, 'admin'),
    'delete',
    'pods',
    '-A',
    '--field-selector',
    `spec.nodeName=${node.name}`,
    '--grace-period=0',
    '--wait=true',
    '--timeout=60s',
  ]);
  await waitUntil(
    'pod sandboxes to go',
    () => !tryRun('sh', ['-c', `ctr -a ${sock} -n k8s.io containers list -q | grep -q .`]),
    join(lab.dir, 'containerd.log'),
    60_000,
  ).catch(() => undefined);
}
