/**
 * Deployments, their ReplicaSets, DaemonSets and their pods for the scale fixture, shaped like what
 * those controllers write on a real cluster (labels, owner references, a service-account token
 * volume, probes, resources …), so a pod weighs what `kubectl get pods -o json` shows there
 * (~3–8 KB). No controller runs: the pods are bare, bound with spec.nodeName, and kwok sets them
 * Running with an IP.
 */
import type { KubeObject } from './api.ts';
import { appContainer, ciliumAgentPodSpec, daemonContainer, sidecarContainer } from './scale-containers.ts';
import { NODES, nodeName, podSuffix, token, type Workload } from './scale-objects.ts';

function selectorLabels(w: Workload): Record<string, string> {
  return w.kind === 'Deployment' ? { app: w.name } : { 'k8s-app': w.name };
}

/** A Deployment's own template has no pod-template-hash: its ReplicaSet's and pods' do. */
function templateLabels(w: Workload, withHash = true): Record<string, string> {
  if (w.kind === 'DaemonSet') return { ...selectorLabels(w), 'app.kubernetes.io/name': w.name };
  return { ...selectorLabels(w), ...(withHash ? { 'pod-template-hash': w.hash } : {}), team: w.namespace };
}

function templateAnnotations(w: Workload): Record<string, string> {
  const config = { 'checksum/config': token(`config/${w.name}`, 32) };
  if (w.kind === 'DaemonSet') return config;
  return { ...config, 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' };
}

function podSpec(w: Workload): Record<string, unknown> {
  if (w.name === 'cilium') return ciliumAgentPodSpec(w);
  const containers =
    w.kind === 'Deployment'
      ? [appContainer(w), ...(w.index % 4 === 0 ? [sidecarContainer()] : [])]
      : [daemonContainer(w)];
  return {
    containers,
    volumes: [{ name: 'config', configMap: { name: `${w.name}-config`, defaultMode: 420 } }],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: w.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
    serviceAccountName: w.kind === 'Deployment' ? 'default' : w.name,
    hostNetwork: w.hostNetwork || undefined,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    ...(w.kind === 'DaemonSet'
      ? { tolerations: [{ operator: 'Exists' }], priorityClassName: 'system-node-critical' }
      : {}),
  };
}

function template(w: Workload, withHash = true): Record<string, unknown> {
  return { metadata: { labels: templateLabels(w, withHash), annotations: templateAnnotations(w) }, spec: podSpec(w) };
}

export function deployment(w: Workload): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: w.name,
      namespace: w.namespace,
      labels: { app: w.name, team: w.namespace },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: selectorLabels(w) },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: template(w, false),
    },
  };
}

/** A Deployment's ReplicaSet, owned by it (`owner` is the created Deployment). */
export function replicaSet(w: Workload, owner: KubeObject): KubeObject {
  const replicas = String(w.replicas);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${w.name}-${w.hash}`,
      namespace: w.namespace,
      labels: templateLabels(w),
      ownerReferences: [ownerReference(owner)],
      annotations: {
        'deployment.kubernetes.io/desired-replicas': replicas,
        'deployment.kubernetes.io/max-replicas': String(w.replicas + Math.ceil(w.replicas / 4)),
        'deployment.kubernetes.io/revision': '1',
      },
    },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: { ...selectorLabels(w), 'pod-template-hash': w.hash } },
      template: template(w),
    },
  };
}

export function daemonSetObject(w: Workload): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: w.name,
      namespace: w.namespace,
      labels: selectorLabels(w),
      annotations: { 'deprecated.daemonset.template.generation': '1' },
    },
    spec: {
      selector: { matchLabels: selectorLabels(w) },
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } },
      template: template(w),
    },
  };
}

function ownerReference(owner: KubeObject): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: owner['kind'],
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The ServiceAccount admission's token volume, which a pod (unlike its template) carries. */
function tokenVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

/** Pod `replica` of a workload, bound to `node`; `owner` is its created ReplicaSet or DaemonSet. */
export function pod(w: Workload, owner: KubeObject, replica: number, node: number): KubeObject {
  const base = template(w) as {
    metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    spec: Record<string, unknown>;
  };
  const generateName = `${owner.metadata.name}-`;
  const tokenName = `kube-api-access-${token(`sa/${w.name}/${replica}`, 5)}`;
  const spec = base.spec as { containers: Container[]; initContainers?: Container[]; volumes: unknown[] };
  const mount = { name: tokenName, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true };
  const labels =
    w.kind === 'DaemonSet'
      ? { ...base.metadata.labels, 'controller-revision-hash': w.hash, 'pod-template-generation': '1' }
      : base.metadata.labels;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${generateName}${podSuffix(`${w.kind}/${w.name}`, replica)}`,
      generateName,
      namespace: w.namespace,
      labels,
      annotations: base.metadata.annotations,
      ownerReferences: [ownerReference(owner)],
    },
    spec: {
      ...spec,
      nodeName: nodeName(node),
      containers: withMount(spec.containers, mount),
      ...(spec.initContainers ? { initContainers: withMount(spec.initContainers, mount) } : {}),
      volumes: [...spec.volumes, tokenVolume(tokenName)],
      ...(w.kind === 'DaemonSet' ? { affinity: pinnedTo(nodeName(node)) } : {}),
    },
  };
}

type Container = Record<string, unknown> & { volumeMounts?: unknown[] };

const withMount = (containers: Container[], mount: object) =>
  containers.map((c) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), mount] }));

/** What the DaemonSet controller adds to each of its pods. */
function pinnedTo(node: string): Record<string, unknown> {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
      },
    },
  };
}

/** Deployment pods go round-robin over the nodes, so every node holds ~22 of them plus one per DaemonSet. */
export function deploymentNode(globalIndex: number): number {
  return globalIndex % NODES;
}
