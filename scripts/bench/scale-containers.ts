/**
 * Container specs for the scale fixture's pods: an application container (ports, env, resources,
 * probes, mounts), an Envoy sidecar for every fourth Deployment, a node agent for the plain
 * DaemonSets, and a trimmed version of Cilium's own agent pod (init containers, host mounts,
 * capabilities) from its Helm chart. Field values are what those manifests typically carry; only
 * their size and shape matter to the benchmark.
 */
import type { Workload } from './scale-objects.ts';

const TERMINATION = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
};
const fieldEnv = (name: string, fieldPath: string) => ({
  name,
  valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } },
});
const httpProbe = (path: string, port: string | number, periodSeconds: number, host?: string) => ({
  httpGet: { path, port, scheme: 'HTTP', ...(host ? { host } : {}) },
  periodSeconds,
  timeoutSeconds: 5,
  successThreshold: 1,
  failureThreshold: 3,
});
const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

export function appContainer(w: Workload): Record<string, unknown> {
  return {
    name: 'app',
    image: w.image,
    args: ['--config=/etc/app/config.yaml'],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [fieldEnv('POD_IP', 'status.podIP'), { name: 'LOG_LEVEL', value: 'info' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    // Every other Deployment has a liveness probe too.
    ...(w.index % 2 === 0 ? { livenessProbe: httpProbe('/healthz', 'http', 10) } : {}),
    readinessProbe: httpProbe('/ready', 'http', 5),
    securityContext: RESTRICTED,
    volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
    ...TERMINATION,
  };
}

export function sidecarContainer(): Record<string, unknown> {
  return {
    name: 'envoy',
    image: 'docker.io/envoyproxy/envoy:v1.34.1',
    args: ['-c', '/etc/app/envoy.yaml'],
    ports: [{ name: 'proxy', containerPort: 15001, protocol: 'TCP' }],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: httpProbe('/ready', 15000, 5),
    securityContext: RESTRICTED,
    volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
    ...TERMINATION,
  };
}

export function daemonContainer(w: Workload): Record<string, unknown> {
  return {
    name: w.container,
    image: w.image,
    args: [`--path.rootfs=/host`, '--web.listen-address=:9100'],
    ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP', ...(w.hostNetwork ? { hostPort: 9100 } : {}) }],
    env: [fieldEnv('NODE_NAME', 'spec.nodeName')],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '200Mi' } },
    readinessProbe: httpProbe('/', 9100, 10),
    securityContext: { readOnlyRootFilesystem: true },
    volumeMounts: [{ name: 'config', mountPath: '/etc/agent', readOnly: true }],
    ...TERMINATION,
  };
}

const hostPath = (name: string, path: string, type: string) => ({ name, hostPath: { path, type } });
const CILIUM_CAPABILITIES = [
  'CHOWN',
  'KILL',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'SYS_MODULE',
  'SYS_ADMIN',
  'SYS_RESOURCE',
  'DAC_OVERRIDE',
  'FOWNER',
  'SETGID',
  'SETUID',
];

function ciliumInit(
  w: Workload,
  name: string,
  command: string[],
  mounts: Array<[string, string]>,
  privileged = false,
): Record<string, unknown> {
  return {
    name,
    image: w.image,
    command,
    env: [fieldEnv('K8S_NODE_NAME', 'spec.nodeName'), fieldEnv('CILIUM_K8S_NAMESPACE', 'metadata.namespace')],
    securityContext: privileged
      ? { privileged: true }
      : { capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'], drop: ['ALL'] } },
    volumeMounts: [...mounts.map(([n, mountPath]) => ({ name: n, mountPath })), { name: 'tmp', mountPath: '/tmp' }],
    ...TERMINATION,
  };
}

function ciliumAgent(w: Workload): Record<string, unknown> {
  return {
    name: 'cilium-agent',
    image: w.image,
    command: ['cilium-agent'],
    args: ['--config-dir=/tmp/cilium/config-map'],
    env: [
      fieldEnv('K8S_NODE_NAME', 'spec.nodeName'),
      fieldEnv('CILIUM_K8S_NAMESPACE', 'metadata.namespace'),
      { name: 'CILIUM_CLUSTERMESH_CONFIG', value: '/var/lib/cilium/clustermesh/' },
      { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1' } } },
      { name: 'KUBE_CLIENT_BACKOFF_BASE', value: '1' },
      { name: 'KUBE_CLIENT_BACKOFF_DURATION', value: '120' },
    ],
    startupProbe: { ...httpProbe('/healthz', 9879, 2, '127.0.0.1'), failureThreshold: 300, initialDelaySeconds: 5 },
    livenessProbe: httpProbe('/healthz', 9879, 30, '127.0.0.1'),
    readinessProbe: httpProbe('/healthz', 9879, 30, '127.0.0.1'),
    lifecycle: {
      postStart: { exec: { command: ['bash', '-c', '/cni-install.sh --enable-debug=false --cni-exclusive=true'] } },
      preStop: { exec: { command: ['/cni-uninstall.sh'] } },
    },
    resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } },
    securityContext: {
      seLinuxOptions: { level: 's0', type: 'spc_t' },
      capabilities: { add: CILIUM_CAPABILITIES, drop: ['ALL'] },
    },
    volumeMounts: [
      ['host-proc-sys-net', '/host/proc/sys/net'],
      ['host-proc-sys-kernel', '/host/proc/sys/kernel'],
      ['bpf-maps', '/sys/fs/bpf'],
      ['cilium-run', '/var/run/cilium'],
      ['cilium-netns', '/var/run/cilium/netns'],
      ['etc-cni-netd', '/host/etc/cni/net.d'],
      ['lib-modules', '/lib/modules'],
      ['xtables-lock', '/run/xtables.lock'],
      ['tmp', '/tmp'],
    ].map(([name, mountPath]) => ({ name, mountPath })),
    ...TERMINATION,
  };
}

/** Cilium's agent pod: hostNetwork, init containers, host paths (the pod the Helm chart renders, trimmed). */
export function ciliumAgentPodSpec(w: Workload): Record<string, unknown> {
  return {
    hostNetwork: true,
    serviceAccountName: 'cilium',
    automountServiceAccountToken: true,
    initContainers: [
      ciliumInit(w, 'config', ['cilium-dbg', 'build-config'], []),
      ciliumInit(
        w,
        'mount-bpf-fs',
        ['/bin/bash', '-c', '--', 'mount | grep "/sys/fs/bpf type bpf" || mount -t bpf bpf /sys/fs/bpf'],
        [['bpf-maps', '/sys/fs/bpf']],
        true,
      ),
      ciliumInit(
        w,
        'clean-cilium-state',
        ['/init-container.sh'],
        [
          ['bpf-maps', '/sys/fs/bpf'],
          ['cilium-run', '/var/run/cilium'],
        ],
      ),
      ciliumInit(w, 'install-cni-binaries', ['/install-plugin.sh'], [['cni-path', '/host/opt/cni/bin']]),
    ],
    containers: [ciliumAgent(w)],
    volumes: [
      { name: 'tmp', emptyDir: {} },
      hostPath('cilium-run', '/var/run/cilium', 'DirectoryOrCreate'),
      hostPath('cilium-netns', '/var/run/netns', 'DirectoryOrCreate'),
      hostPath('bpf-maps', '/sys/fs/bpf', 'DirectoryOrCreate'),
      hostPath('cni-path', '/opt/cni/bin', 'DirectoryOrCreate'),
      hostPath('etc-cni-netd', '/etc/cni/net.d', 'DirectoryOrCreate'),
      hostPath('lib-modules', '/lib/modules', ''),
      hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
      hostPath('host-proc-sys-net', '/proc/sys/net', 'Directory'),
      hostPath('host-proc-sys-kernel', '/proc/sys/kernel', 'Directory'),
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 1,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    priorityClassName: 'system-node-critical',
    enableServiceLinks: true,
    tolerations: [{ operator: 'Exists' }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
  };
}
