/**
 * The scale fixture's shape and its cluster-level objects: 2,000 kwok nodes (one /24 pod CIDR each
 * from 10.64.0.0/13, unique InternalIPs, the first 10 labelled as egress gateways), ~50 namespaces,
 * and the workloads the pods belong to. Pure functions of an index, so the fixture is the same on
 * every build and its cache key is the hash of these files (scale-cluster.ts).
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from './api.ts';

export const NODES = 2_000;
export const GATEWAYS = 10;
export const DEPLOYMENTS = 300;
export const DEPLOYMENT_PODS = 44_000;
export const APP_NAMESPACES = 48;

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A stable stand-in for the random suffixes Kubernetes controllers use (same alphabet), at most 32 characters. */
export function token(seed: string, length: number): string {
  const bytes = createHash('sha256').update(seed).digest();
  return Array.from(bytes.subarray(0, length), (b) => ALPHABET[b % ALPHABET.length]).join('');
}

export interface Workload {
  kind: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
  /** `pod-template-hash` of a Deployment's ReplicaSet, `controller-revision-hash` of a DaemonSet. */
  hash: string;
  image: string;
  container: string;
  hostNetwork: boolean;
  replicas: number;
  index: number;
}

/** One pod per node each: Cilium's agent, and two more as most clusters have. */
export const DAEMONSETS: Workload[] = [
  daemonSet(0, 'kube-system', 'cilium', 'cilium-agent', 'quay.io/cilium/cilium:v1.18.2', true),
  daemonSet(1, 'monitoring', 'node-exporter', 'node-exporter', 'quay.io/prometheus/node-exporter:v1.9.1', true),
  daemonSet(2, 'logging', 'fluent-bit', 'fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:4.0.3', false),
];

export const PODS = DEPLOYMENT_PODS + NODES * DAEMONSETS.length;

function daemonSet(
  index: number,
  namespace: string,
  name: string,
  container: string,
  image: string,
  hostNetwork: boolean,
): Workload {
  return {
    kind: 'DaemonSet',
    namespace,
    name,
    hash: token(`ds/${name}`, 10),
    image,
    container,
    hostNetwork,
    replicas: NODES,
    index,
  };
}

const SUFFIXES = ALPHABET.length ** 5;

/**
 * A pod's 5-character suffix, like the ReplicaSet and DaemonSet controllers' random ones but
 * distinct for every replica of a workload: a fixed permutation of 0..27^5-1 (4,999,999 is coprime to
 * 27^5), shifted per workload, written in base 27.
 */
export function podSuffix(workload: string, replica: number): string {
  const offset = createHash('sha256').update(workload).digest().readUInt32BE(0);
  let n = (replica * 4_999_999 + offset) % SUFFIXES;
  let suffix = '';
  for (let i = 0; i < 5; i++, n = Math.floor(n / ALPHABET.length)) suffix += ALPHABET[n % ALPHABET.length];
  return suffix;
}

export const nodeName = (n: number) => `node-${String(n).padStart(4, '0')}`;
export const nodeIP = (n: number) => `172.20.${Math.floor(n / 250)}.${(n % 250) + 1}`;
export const podCIDR = (n: number) => `10.${64 + (n >> 8)}.${n & 255}.0/24`;
export const appNamespace = (i: number) => `team-${String(i % APP_NAMESPACES).padStart(2, '0')}`;

const APPS = ['api', 'web', 'worker', 'cart', 'checkout', 'search', 'auth', 'billing', 'catalog', 'inventory'];

/** 300 Deployments of uneven size (weights 1..10) holding 44,000 pods between them. */
export function deployments(): Workload[] {
  const weights = Array.from({ length: DEPLOYMENTS }, (_, i) => 1 + ((i * 7) % 10));
  const total = weights.reduce((a, b) => a + b, 0);
  const replicas = weights.map((w) => Math.floor((DEPLOYMENT_PODS * w) / total));
  for (let i = 0, left = DEPLOYMENT_PODS - replicas.reduce((a, b) => a + b, 0); left > 0; i++, left--)
    replicas[i]! += 1;
  return replicas.map((count, i) => {
    const name = `${APPS[i % APPS.length]}-${String(i).padStart(3, '0')}`;
    return {
      kind: 'Deployment',
      namespace: appNamespace(i),
      name,
      hash: token(`rs/${name}`, 10),
      image: `registry.example.com/${appNamespace(i)}/${name}:1.${i % 20}.${i % 7}`,
      container: 'app',
      hostNetwork: false,
      replicas: count,
      index: i,
    };
  });
}

export function namespaces(): KubeObject[] {
  // The node agents need host networking and host paths, which Pod Security's baseline forbids.
  const names = [...Array.from({ length: APP_NAMESPACES }, (_, i) => appNamespace(i)), 'monitoring', 'logging'];
  return names.map((name, i) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'kubernetes.io/metadata.name': name,
        'pod-security.kubernetes.io/enforce': i < APP_NAMESPACES ? 'baseline' : 'privileged',
      },
    },
  }));
}

/** A kwok node: kwok manages it (annotation) and gives its pods IPs from spec.podCIDR (test-lab.md §4.2). */
export function node(n: number): KubeObject {
  const name = nodeName(n);
  const zone = `zone-${'abc'[n % 3]}`;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': name,
    'node.kubernetes.io/instance-type': 'standard-16',
    'topology.kubernetes.io/zone': zone,
    type: 'kwok',
    ...(n < GATEWAYS ? { 'egress-gateway': 'true' } : {}),
  };
  const resources = { cpu: '16', memory: '65536Mi', pods: '110', 'ephemeral-storage': '200Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: {
        'kwok.x-k8s.io/node': 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: podCIDR(n), podCIDRs: [podCIDR(n)] },
    status: {
      addresses: [
        { type: 'InternalIP', address: nodeIP(n) },
        { type: 'Hostname', address: name },
      ],
      capacity: resources,
      allocatable: { ...resources, cpu: '15890m', memory: '63000Mi' },
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-37-cloud-amd64',
        containerRuntimeVersion: 'containerd://1.7.27',
        kubeletVersion: 'v1.34.10',
        machineID: token(`machine/${n}`, 32),
        systemUUID: token(`uuid/${n}`, 32),
        bootID: token(`boot/${n}`, 32),
      },
    },
  };
}
