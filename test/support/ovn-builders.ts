/** Builders for OVN-Kubernetes objects: annotated nodes, EgressIPs, the Namespaces they select. */
import type { KubeObject } from '../../src/model/objects.ts';
import { node } from './builders.ts';

/** A node as ovnkube-node annotates it: its primary interface address (default: the InternalIP) and its subnet. */
export function ovnNode(name: string, internalIP: string, subnet: string | string[], options: { primary?: string; assignable?: boolean } = {}): KubeObject {
  const obj = node(name).internalIP(internalIP).build();
  const primary = options.primary ?? internalIP;
  obj.metadata.annotations = {
    'k8s.ovn.org/node-primary-ifaddr': JSON.stringify(primary.includes(':') ? { ipv6: `${primary}/64` } : { ipv4: `${primary}/24` }),
    'k8s.ovn.org/node-subnets': JSON.stringify({ default: subnet }),
  };
  if (options.assignable) obj.metadata.labels = { ...obj.metadata.labels, 'k8s.ovn.org/egress-assignable': '' };
  return obj;
}

export function ovnkubeNode(namespace = 'ovn-kubernetes'): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ovnkube-node', namespace }, spec: { template: { spec: { containers: [{ name: 'ovnkube-controller', image: 'ghcr.io/ovn-org/ovn-kubernetes/ovn-kube-ubuntu:master' }] } } } };
}

export function egressIP(name: string, spec: Record<string, unknown>, assigned: Record<string, string> = {}): KubeObject {
  const items = Object.entries(assigned).map(([egressIP, node]) => ({ node, egressIP }));
  return { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name }, spec, status: { items } };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}
