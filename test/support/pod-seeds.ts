/**
 * Pods for the labs' API servers: created without status, then given one through the status
 * subresource, as a kubelet would (the API server ignores status on create).
 */
import { kubectl, type LabInfo } from './lab.ts';

export interface PodSeed {
  namespace: string;
  name: string;
  node: string;
  ip: string;
  labels?: Record<string, string>;
  owner?: { apiVersion: string; kind: string; name: string };
  hostNetwork?: boolean;
  annotations?: Record<string, string>;
}

function podManifest(p: PodSeed, withStatus: boolean): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: p.labels ?? {},
      ...(p.annotations ? { annotations: p.annotations } : {}),
      ...(p.owner
        ? { ownerReferences: [{ ...p.owner, uid: '00000000-0000-0000-0000-0000000000aa', controller: true }] }
        : {}),
    },
    spec: { nodeName: p.node, hostNetwork: p.hostNetwork === true, containers: [{ name: 'c', image: 'busybox' }] },
    ...(withStatus ? { status: { phase: 'Running', hostIP: p.ip, podIP: p.ip, podIPs: [{ ip: p.ip }] } } : {}),
  };
}

/** Objects as one List for `kubectl create -f -`. */
export const list = (items: object[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

export function seedPods(lab: LabInfo, pods: readonly PodSeed[]): void {
  kubectl(lab, ['create', '-f', '-'], list(pods.map((p) => podManifest(p, false))));
  kubectl(lab, ['replace', '--subresource=status', '-f', '-'], list(pods.map((p) => podManifest(p, true))));
}

/**
 * A namespace of its own with these pods, and the NetworkPolicy client-to-db: pods labelled
 * app=client may reach pods labelled app=db on port 5432, and nothing else. Returns what deletes
 * the policy again: the lab is shared, and a policy left behind would be in every later file's
 * cluster (live-read lists the kinds a snapshot of it holds).
 */
export function seedClientToDb(
  lab: LabInfo,
  namespace: string,
  pods: readonly Omit<PodSeed, 'namespace'>[],
): () => void {
  kubectl(lab, ['create', 'namespace', namespace]);
  seedPods(
    lab,
    pods.map((p) => ({ ...p, namespace })),
  );
  kubectl(
    lab,
    ['create', '-f', '-'],
    list([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'client-to-db', namespace },
        spec: {
          podSelector: { matchLabels: { app: 'client' } },
          policyTypes: ['Egress'],
          egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }],
        },
      },
    ]),
  );
  return () => kubectl(lab, ['delete', 'networkpolicy', 'client-to-db', '-n', namespace]);
}
