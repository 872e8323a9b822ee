/**
 * A real single-node cluster on this machine, offline: the API lab (etcd + kube-apiserver), then
 * containerd, runc and the CNI plugins from Debian, the kubelet built from its Go module, a local
 * pause and busybox image, a bridge CNI with `ipMasq: false`, and an "outside" host in its own
 * network namespace on TEST-NET-3 running `kubectl egress serve-echo`. Recipe and pitfalls:
 * reference/test-lab.md §3. stop() removes every process, mount, cgroup, link, namespace and
 * sysctl change it made.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  kubectl,
  startLab,
  startProcess,
  terminate,
  waitFor,
  writeKubeconfig,
  type Lab,
  type LabInfo,
} from '../support/lab.ts';
import { buildImage } from './oci-image.ts';
import {
  CAP_SYS_RESOURCE,
  hasCapability,
  kubeletChains,
  onPath,
  quiet,
  removeCgroupTree,
  removeCniChains,
  removeKubeletChains,
  sh,
  tryRun,
  unmountUnder,
} from './host.ts';

export const NODE_NAME = 'egress-lab-node';
export const NODE_IP = '203.0.113.1';
export const ECHO_IP = '203.0.113.10';
/**
 * The lab's link is a /28 of TEST-NET-3, not the whole /24: the host side of the link sits in the
 * machine's own namespace, and a /24 route there would shadow any other TEST-NET-3 address the
 * machine really talks to (some build machines reach their package mirrors at one) while the lab runs.
 */
const LINK_PREFIX = 28;
/** Inside the lab's /28 with no host behind it: ARP goes unanswered and a connection times out, all inside the lab. */
export const UNREACHABLE_IP = '203.0.113.9';
export const POD_CIDR = '10.244.77.0/24';
export const PROBE_IMAGE = 'docker.io/library/busybox:1.36.1';
const PAUSE_IMAGE = 'kubectl-egress.local/pause:lab';
const NETNS = 'kubectl-egress-lab-echo';
const BRIDGE = 'egresslab0';
const NETWORK = 'egress-lab';
const VETH = ['eglab-host', 'eglab-echo'] as const;
const CGROUP = 'kubectl-egress-lab';
const REPO = join(import.meta.dirname, '..', '..');

export interface NodeLab extends LabInfo {
  echoURL: string;
  kubeconfig: string;
  /** The node side's directory (containerd, kubelet, CNI config). */
  nodeDir: string;
}

/** Why this machine cannot run the node lab, or undefined when it can. */
export function nodeLabUnsupported(): string | undefined {
  if (process.getuid?.() !== 0) return 'the node lab needs root (network namespaces, iptables, cgroups)';
  const needed = ['containerd', 'runc', 'ctr', 'iptables', 'ip', 'tar', 'go', 'mount'].filter((c) => !onPath(c));
  const files = ['/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback', '/bin/busybox'].filter(
    (f) => !existsSync(f),
  );
  const missing = [...needed, ...files];
  return missing.length > 0
    ? `the node lab needs ${missing.join(', ')} (apt-get install containerd runc containernetworking-plugins iptables busybox-static)`
    : undefined;
}

type Step = () => void | Promise<void>;

export async function startNodeLab(binDir: string): Promise<NodeLab & Pick<Lab, 'stop'>> {
  const undo: Step[] = [];
  const stop = async () => {
    for (const step of undo.reverse()) await step();
  };
  try {
    const api = await startLab(binDir);
    undo.push(() => api.stop());
    const dir = mkdtempSync('/tmp/kubectl-egress-node-lab-');
    undo.push(() => rmSync(dir, { recursive: true, force: true }));
    const containerdSock = await startContainerd(dir, undo);
    importImages(dir, containerdSock);
    const echoURL = await startOutsideHost(dir, undo);
    setBridgeMasquerade(dir, false);
    await startKubelet(dir, binDir, api, containerdSock, undo);
    const { stop: _stop, ...info } = api;
    return { ...info, echoURL, nodeDir: dir, kubeconfig: writeKubeconfig(api, 'admin'), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** containerd's config for a lab node: its own root, state and socket; CNI plugins from `cniBinDir`, configs from the node's dir. */
export function containerdConfig(dir: string, sock: string, cniBinDir: string): string {
  return `version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
[grpc]
  address = "${sock}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # The kubelet asks for oom_score_adj -998 for every sandbox; lowering it needs CAP_SYS_RESOURCE,
  # which a sandboxed CI machine may not grant (runc then fails with "can't get final child's PID").
  restrict_oom_score_adj = ${!hasCapability(CAP_SYS_RESOURCE)}
  disable_hugetlb_controller = true
  tolerate_missing_hugetlb_controller = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${cniBinDir}"
    conf_dir = "${dir}/cni/net.d"
`;
}

/** containerd with its own config, root, state and socket, so nothing of the machine's own is touched. */
async function startContainerd(dir: string, undo: Step[]): Promise<string> {
  const sock = join(dir, 'containerd.sock');
  const config = join(dir, 'containerd.toml');
  mkdirSync(join(dir, 'cni', 'net.d'), { recursive: true });
  writeFileSync(config, containerdConfig(dir, sock, '/usr/lib/cni'));
  const log = join(dir, 'containerd.log');
  const child = startProcess('containerd', ['--config', config], log);
  undo.push(async () => {
    await terminate(child);
    // Shims outlive containerd; they carry our socket path in their arguments.
    quiet('pkill', ['-9', '-f', `containerd-shim.*${dir}`]);
    unmountUnder(dir);
  });
  await waitUntil('containerd', () => existsSync(sock) && tryRun('ctr', ['-a', sock, 'version']), log);
  return sock;
}

/** The pause image (our static Go program) and busybox from Debian's busybox-static as the probe image. */
export function importImages(dir: string, sock: string): void {
  const pauseRoot = join(dir, 'rootfs-pause');
  mkdirSync(pauseRoot, { recursive: true });
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', join(pauseRoot, 'pause'), '.'], {
    cwd: join(REPO, 'test', 'lab', 'pause'),
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOWORK: 'off' },
    stdio: 'ignore',
  });
  const busyboxRoot = join(dir, 'rootfs-busybox');
  mkdirSync(join(busyboxRoot, 'bin'), { recursive: true });
  mkdirSync(join(busyboxRoot, 'tmp'), { recursive: true });
  writeFileSync(join(busyboxRoot, 'bin', 'busybox'), readFileSync('/bin/busybox'), { mode: 0o755 });
  for (const applet of ['sh', 'wget', 'timeout', 'false', 'sleep', 'cat', 'echo'])
    symlinkSync('busybox', join(busyboxRoot, 'bin', applet));
  for (const [name, rootfs, entrypoint] of [
    [PAUSE_IMAGE, pauseRoot, ['/pause']],
    [PROBE_IMAGE, busyboxRoot, ['/bin/sh']],
  ] as const) {
    sh('ctr', [
      '-a',
      sock,
      '-n',
      'k8s.io',
      'images',
      'import',
      buildImage(dir, { name, rootfs, entrypoint: [...entrypoint] }),
    ]);
  }
}

/** The "outside" host: a network namespace on TEST-NET-3 behind a veth, running serve-echo. */
async function startOutsideHost(dir: string, undo: Step[]): Promise<string> {
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
  undo.push(() => writeFileSync('/proc/sys/net/ipv4/ip_forward', forward));
  sh('ip', ['netns', 'add', NETNS]);
  undo.push(() => quiet('ip', ['netns', 'delete', NETNS]));
  sh('ip', ['link', 'add', VETH[0], 'type', 'veth', 'peer', 'name', VETH[1]]);
  undo.push(() => quiet('ip', ['link', 'delete', VETH[0]]));
  sh('ip', ['link', 'set', VETH[1], 'netns', NETNS]);
  sh('ip', ['addr', 'add', `${NODE_IP}/${LINK_PREFIX}`, 'dev', VETH[0]]);
  sh('ip', ['link', 'set', VETH[0], 'up']);
  for (const args of [
    ['addr', 'add', `${ECHO_IP}/${LINK_PREFIX}`, 'dev', VETH[1]],
    ['link', 'set', VETH[1], 'up'],
    ['link', 'set', 'lo', 'up'],
    ['route', 'add', 'default', 'via', NODE_IP],
  ]) {
    sh('ip', ['netns', 'exec', NETNS, 'ip', ...args]);
  }
  const log = join(dir, 'serve-echo.log');
  const echo = startProcess(
    'ip',
    [
      'netns',
      'exec',
      NETNS,
      process.execPath,
      join(REPO, 'dist', 'kubectl-egress.mjs'),
      'serve-echo',
      '--listen',
      `${ECHO_IP}:8080`,
    ],
    log,
  );
  undo.push(() => terminate(echo));
  const url = `http://${ECHO_IP}:8080/`;
  await waitUntil(
    'serve-echo',
    () => tryRun('curl', ['-sf', '-m', '2', url]) || readFileSync(log, 'utf8').includes('serving'),
    log,
  );
  return url;
}

/**
 * The bridge CNI config, rewritten whenever a test changes ipMasq (pods created afterwards get it).
 * The lab starts with `ipMasq: false` so only the datapath under test masquerades (test-lab.md §3.5).
 */
export function setBridgeMasquerade(dir: string, ipMasq: boolean): void {
  writeFileSync(
    join(dir, 'cni', 'net.d', '10-egress-lab.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: NETWORK,
      plugins: [
        {
          type: 'bridge',
          bridge: BRIDGE,
          isGateway: true,
          ipMasq,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: join(dir, 'cni', 'ipam'),
            ranges: [[{ subnet: POD_CIDR }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
      ],
    }),
  );
}

const KERNEL_SYSCTLS = ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops'];

/** The kubelet (test-lab.md §3.2), in its own root and cgroup root, registered as NODE_NAME at NODE_IP. */
async function startKubelet(dir: string, binDir: string, api: LabInfo, sock: string, undo: Step[]): Promise<void> {
  const saved = KERNEL_SYSCTLS.map((k) => [k, readFileSync(`/proc/sys/${k}`, 'utf8').trim()] as const);
  const chainsBefore = kubeletChains();
  undo.push(() => saved.forEach(([k, v]) => quiet('sh', ['-c', `echo ${v} > /proc/sys/${k}`])));
  const hierarchies = readdirSync('/sys/fs/cgroup');
  const cgroups = hierarchies.filter((c) => c !== 'unified').map((c) => join('/sys/fs/cgroup', c, CGROUP));
  cgroups.forEach((c) => mkdirSync(c, { recursive: true }));
  // A new cgroup v1 cpuset starts empty and no task can join it: copy the root's CPUs and memory nodes.
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    if (existsSync(`/sys/fs/cgroup/cpuset/${file}`))
      writeFileSync(`/sys/fs/cgroup/cpuset/${CGROUP}/${file}`, readFileSync(`/sys/fs/cgroup/cpuset/${file}`));
  }
  // The kubelet also makes its cgroup root in the cgroup2 hierarchy of a hybrid host.
  undo.push(() => hierarchies.map((c) => join('/sys/fs/cgroup', c, CGROUP)).forEach(removeCgroupTree));
  const config = join(dir, 'kubelet.yaml');
  writeFileSync(config, kubeletConfig(dir, sock));
  const log = join(dir, 'kubelet.log');
  const root = join(dir, 'kubelet');
  const kubelet = startProcess(
    join(binDir, 'kubelet'),
    [
      `--config=${config}`,
      `--kubeconfig=${writeKubeconfig(api, 'admin', { name: 'kubelet' })}`,
      `--root-dir=${root}`,
      `--cert-dir=${join(root, 'pki')}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
      '--v=1',
    ],
    log,
  );
  undo.push(async () => {
    // Pods first, so the kubelet tears their sandboxes and CNI state down itself.
    quiet(join(binDir, 'kubectl'), [
      '--kubeconfig',
      writeKubeconfig(api, 'admin'),
      'delete',
      'pods',
      '-A',
      '--field-selector',
      `spec.nodeName=${NODE_NAME}`,
      '--grace-period=0',
      '--wait=true',
      '--timeout=60s',
    ]);
    await waitUntil(
      'pod sandboxes to go',
      () => !tryRun('sh', ['-c', `ctr -a ${sock} -n k8s.io containers list -q | grep -q .`]),
      log,
      60_000,
    ).catch(() => undefined);
    await terminate(kubelet);
    unmountUnder(root);
    removeCniChains(NETWORK);
    removeKubeletChains(chainsBefore);
    quiet('ip', ['link', 'delete', BRIDGE]);
  });
  await waitUntil(
    'the node to be Ready',
    () =>
      tryRun('sh', [
        '-c',
        `${join(binDir, 'kubectl')} --kubeconfig ${writeKubeconfig(api, 'admin')} get node ${NODE_NAME} -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -q True`,
      ]),
    log,
    180_000,
  );
  kubectl(api, [
    'patch',
    'node',
    NODE_NAME,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { podCIDR: POD_CIDR, podCIDRs: [POD_CIDR] } }),
  ]);
}

export function kubeletConfig(dir: string, sock: string, cgroup = CGROUP): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
cgroupRoot: /${cgroup}
failSwapOn: false
containerRuntimeEndpoint: unix://${sock}
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
readOnlyPort: 0
healthzPort: 0
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podLogsDir: ${dir}/pod-logs
imageGCHighThresholdPercent: 100
evictionHard: {nodefs.available: "0%", nodefs.inodesFree: "0%", imagefs.available: "0%"}
serializeImagePulls: false
rotateCertificates: false
localStorageCapacityIsolation: false
`;
}

export function waitUntil(what: string, ready: () => boolean, log: string, timeoutMs = 90_000): Promise<void> {
  return waitFor(what, async () => ready(), log, timeoutMs);
}
