/**
 * Pods of a node lab (cilium-lab.ts, policy-lab.ts) as the policy tests use them: a busybox pod
 * pinned to a node, labelled app=NAME so a policy can select it, and one real request from inside it.
 */
import { kubectl, type LabInfo } from '../support/lab.ts';
import { PROBE_IMAGE } from './node-lab.ts';

/** A busybox pod labelled app=NAME on the node; resolves with its IP once it is Ready. */
export function labPod(lab: LabInfo, nodeName: string, namespace: string, name: string): string {
  const spec = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      nodeName,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'c', image: PROBE_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
    },
  };
  kubectl(lab, ['create', '-f', '-'], JSON.stringify(spec));
  kubectl(lab, ['-n', namespace, 'wait', '--for=condition=Ready', `pod/${name}`, '--timeout=120s']);
  return kubectl(lab, ['-n', namespace, 'get', 'pod', name, '-o', 'jsonpath={.status.podIP}']).trim();
}

/** A namespace and a labPod per name in it; their IPs, in order. */
export function namespaceWith(lab: LabInfo, nodeName: string, namespace: string, ...pods: string[]): string[] {
  kubectl(lab, ['create', 'namespace', namespace]);
  return pods.map((name) => labPod(lab, nodeName, namespace, name));
}

/**
 * One real request from inside the pod: the address the echo saw, or null when the connection
 * failed (an enforcer that REJECTs fails wget at once; one that drops is cut off by `timeout`).
 * Any other failure (exec itself) is an error, never a "blocked".
 */
export function podRequest(lab: LabInfo, namespace: string, podName: string, url: string): string | null {
  try {
    const body = kubectl(lab, ['-n', namespace, 'exec', podName, '--', 'timeout', '5', 'wget', '-q', '-O', '-', url]);
    return (JSON.parse(body) as { 'client-ip': string })['client-ip'];
  } catch (error) {
    if (/wget: |command terminated with exit code 143/.test((error as Error).message)) return null;
    throw error;
  }
}
