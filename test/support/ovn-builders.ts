/** Builders for OVN-Kubernetes objects: annotated nodes, EgressIPs, the Namespaces they select. */
import type { KubeObject } from '../../src/model/objects.ts';
import { node } from './builders.ts';

/** A node as ovnkube-node annotates it: its primary interface address (default: the InternalIP) and its subnet. */
export function ovnNode(
  name: string,
  internalIP: string,
  subnet: string | string[],
  options: { primary?: string; assignable?: boolean } = {},
): KubeObject {
  const obj = node(name).internalIP(internalIP).build();
  const primary = options.primary ?? internalIP;
  obj.metadata.annotations = {
    'k8s.ovn.org/node-primary-ifaddr': JSON.stringify(
      primary.includes(':') ? { ipv6: `${primary}/64` } : { ipv4: `${primary}/24` },
    ),
    'k8s.ovn.org/node-subnets': JSON.stringify({ default: subnet }),
  };
  if (options.assignable) obj.metadata.labels = { ...obj.metadata.labels, 'k8s.ovn.org/egress-assignable': '' };
  return obj;
}

export function ovnkubeNode(namespace = 'ovn-kubernetes'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'ovnkube-node', namespace },
    spec: {
      template: {
        spec: {
          containers: [{ name: 'ovnkube-controller', image: 'ghcr.io/ovn-org/ovn-kubernetes/ovn-kube-ubuntu:master' }],
        },
      },
    },
  };
}

export function egressIP(
  name: string,
  spec: Record<string, unknown>,
  assigned: Record<string, string> = {},
): KubeObject {
  const items = Object.entries(assigned).map(([egressIP, node]) => ({ node, egressIP }));
  return { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP', metadata: { name }, spec, status: { items } };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  };
}

/** An EgressService (named after its Service) with status.host, as the cluster manager sets it. */
export function egressService(
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  host?: string,
): KubeObject {
  return {
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'EgressService',
    metadata: { name, namespace },
    spec,
    status: host === undefined ? {} : { host },
  };
}

/** A Service with its load-balancer ingress IPs (none: no ingress entry yet). */
export function loadBalancer(name: string, namespace: string, ingressIPs: string[], type = 'LoadBalancer'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type, selector: { app: name } },
    status: { loadBalancer: { ingress: ingressIPs.map((ip) => ({ ip })) } },
  };
}

/** The EndpointSlice the EndpointSlice controller keeps for the Service: endpoints by address, on their node. */
export function endpointSlice(
  service: string,
  namespace: string,
  endpoints: Record<string, string>,
  addressType = 'IPv4',
): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abcde`, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType,
    endpoints: Object.entries(endpoints).map(([address, nodeName]) => ({
      addresses: [address],
      nodeName,
      conditions: { ready: true },
    })),
  };
}
