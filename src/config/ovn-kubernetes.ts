/**
 * OVN-Kubernetes: found by its ovnkube DaemonSets (namespace `ovn-kubernetes` upstream,
 * `openshift-ovn-kubernetes` on OpenShift) or by the k8s.ovn.org/ annotations ovnkube writes on
 * every node (go-controller/pkg/util/node_annotations.go, subnet_annotations.go); EgressIP objects
 * (k8s.ovn.org/v1, go-controller/pkg/crd/egressip/v1/types.go) and EgressService objects
 * (go-controller/pkg/crd/egressservice/v1/types.go).
 */
import type {
  OvnEgressIP,
  OvnEgressIpLayer,
  OvnEgressService,
  OvnEgressServiceLayer,
  OvnEgressServiceTarget,
  OvnKubernetesLayer,
  OvnNodeFacts,
} from '../model/layers/ovn-kubernetes.ts';
import type { KubeObject, ObjectRef } from '../model/objects.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { Finding } from '../model/reasons.ts';
import type { InvalidAddress } from '../model/snapshot.ts';
import { parseCidr } from '../net/ip.ts';
import type { NodeScope } from '../model/datapath.ts';
import { invalidAddressWarnings } from './addresses.ts';
import { agentScope } from './daemonset.ts';
import { versionGap } from './api-versions.ts';
import { daemonSets, NOTHING, type Built, type Detection, type DetectInputs } from './detection.ts';
import { unreadable } from './gaps.ts';
import { toLabelSelector } from './label-selector.ts';
import { getArray, getRecord, getString, isRecord, refOf, type ObjectIndex } from './objects.ts';

export const PRIMARY_IFADDR = 'k8s.ovn.org/node-primary-ifaddr';
export const NODE_SUBNETS = 'k8s.ovn.org/node-subnets';
/** The label that lets OVN-Kubernetes assign egress IPs to a node (docs/features/cluster-egress-controls/egress-ip.md). */
export const EGRESS_ASSIGNABLE = 'k8s.ovn.org/egress-assignable';
const DAEMONSETS = ['ovnkube-node', 'ovnkube-master', 'ovnkube-controller'];
const EGRESS_IPS = 'egressips.k8s.ovn.org';
const EGRESS_SERVICES = 'egressservices.k8s.ovn.org';
/** Read for EgressServices only: the Service each names (a GET) and its EndpointSlices. */
export const SERVICES = 'services';
export const ENDPOINT_SLICES = 'endpointslices.discovery.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function isOvnkubeDaemonSet(ds: KubeObject): boolean {
  return DAEMONSETS.includes(ds.metadata.name);
}

function isOvnNode(node: KubeObject): boolean {
  const annotations = node.metadata.annotations ?? {};
  return PRIMARY_IFADDR in annotations || NODE_SUBNETS in annotations;
}

function ovnLayer(inputs: DetectInputs, forced: boolean): OvnKubernetesLayer | undefined {
  const ds = daemonSets(inputs, isOvnkubeDaemonSet)[0];
  const annotated = inputs.index.where('Node', isOvnNode);
  const source: ObjectRef | undefined = ds ? refOf(ds) : annotated[0] ? refOf(annotated[0]) : undefined;
  if (!source && !forced) return undefined;
  const nodes = Object.fromEntries(annotated.map((node) => [node.metadata.name, nodeFacts(node, inputs.warnings)]));
  // Only OVN's own subnets: a Node's spec.podCIDR, where kube-controller-manager still allocates one, is not what OVN uses.
  const clusterSubnets = [...new Set(Object.values(nodes).flatMap((n) => n.subnets))].sort();
  return {
    mechanism: 'ovn-kubernetes',
    source: source ?? { kind: 'DaemonSet', namespace: 'ovn-kubernetes', name: 'ovnkube-node' },
    nodes,
    clusterSubnets,
    scope: scopeOf(inputs, ds, annotated),
  };
}

/**
 * ovnkube-node annotates every node it runs on, so the annotated nodes are where OVN-Kubernetes
 * runs; without annotations, where its DaemonSet runs.
 */
function scopeOf(inputs: DetectInputs, ds: KubeObject | undefined, annotated: readonly KubeObject[]): NodeScope {
  if (annotated.length > 0) return { basis: 'agent-pods', nodes: annotated.map((n) => n.metadata.name).sort() };
  return ds ? agentScope(ds, inputs.pods) : { basis: 'all-nodes' };
}

/** The node's annotations: JSON objects keyed by family (`ipv4`, `ipv6`) and by network (`default`). */
function nodeFacts(node: KubeObject, warnings: Finding[]): OvnNodeFacts {
  const annotations = node.metadata.annotations ?? {};
  const invalid: InvalidAddress[] = [];
  const primaryIPs: OvnNodeFacts['primaryIPs'] = {};
  const ifaddr = jsonRecord(annotations[PRIMARY_IFADDR]);
  for (const [key, family] of [
    ['ipv4', 4],
    ['ipv6', 6],
  ] as const) {
    const value = getString(ifaddr, key);
    if (value === undefined) continue;
    const parsed = parseCidr(value);
    if (parsed?.cidr.family === family) primaryIPs[family] = value.slice(0, value.indexOf('/'));
    else
      invalid.push({
        kind: 'OVN primary interface address',
        field: `metadata.annotations[${PRIMARY_IFADDR}] ${key}`,
        value,
        hides: [family],
      });
  }
  // Older releases wrote one string per network, newer ones a list.
  const written = jsonRecord(annotations[NODE_SUBNETS])?.['default'];
  const subnets = (Array.isArray(written) ? written : [written]).filter((s): s is string => typeof s === 'string');
  for (const subnet of subnets) {
    if (!parseCidr(subnet))
      invalid.push({
        kind: 'OVN node subnet',
        field: `metadata.annotations[${NODE_SUBNETS}] default`,
        value: subnet,
        hides: [4, 6],
      });
  }
  warnings.push(...invalidAddressWarnings({ kind: 'Node', name: node.metadata.name }, invalid));
  return { primaryIPs, subnets: subnets.filter((s) => parseCidr(s)) };
}

function jsonRecord(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function toEgressIP(obj: KubeObject): OvnEgressIP {
  const spec = getRecord(obj, 'spec');
  return {
    name: obj.metadata.name,
    egressIPs: getArray(spec, 'egressIPs').filter((ip): ip is string => typeof ip === 'string'),
    namespaceSelector: toLabelSelector(spec?.['namespaceSelector']),
    podSelector: toLabelSelector(spec?.['podSelector']),
    assigned: getArray(obj, 'status', 'items').flatMap((item) => {
      const node = getString(item, 'node');
      const egressIP = getString(item, 'egressIP');
      return node && egressIP ? [{ node, egressIP }] : [];
    }),
  };
}

/** The EgressIPs; where they could not be read (RBAC, a version the tool does not know), the gap instead. */
function egressIpLayer(
  index: ObjectIndex,
  gaps: readonly ReadGap[],
  ovn: OvnKubernetesLayer,
): OvnEgressIpLayer | undefined {
  const hidden = versionGap(index, 'EgressIP', 'egressips');
  const egressIPs = index.all('EgressIP').map(toEgressIP);
  const unread = hidden ?? (egressIPs.length === 0 ? unreadable(gaps, EGRESS_IPS) : undefined);
  if (egressIPs.length === 0 && !unread) return undefined;
  const layer: OvnEgressIpLayer = { mechanism: 'ovn-egress-ip', egressIPs, clusterSubnets: ovn.clusterSubnets };
  if (ovn.scope.basis === 'agent-pods') layer.nodes = ovn.scope.nodes;
  if (unread) layer.unread = unread;
  const unreadNamespaces = unreadable(gaps, 'namespaces');
  if (unreadNamespaces) layer.unreadNamespaces = unreadNamespaces;
  return layer;
}

function toEgressService(obj: KubeObject, index: ObjectIndex, gaps: readonly ReadGap[]): OvnEgressService {
  const spec = getRecord(obj, 'spec');
  const namespace = obj.metadata.namespace ?? 'default';
  const name = obj.metadata.name;
  const service: OvnEgressService = {
    namespace,
    name,
    sourceIPBy: getString(spec, 'sourceIPBy') === 'Network' ? 'Network' : 'LoadBalancerIP',
    endpoints: endpointsOf(index, namespace, name),
  };
  const network = getString(spec, 'network');
  if (network) service.network = network;
  const host = getString(getRecord(obj, 'status'), 'host');
  if (host) service.host = host;
  const target = index.get('Service', namespace, name);
  const serviceUnread = target ? undefined : unreadable(gaps, SERVICES, namespace);
  if (serviceUnread) service.serviceUnread = serviceUnread;
  else service.service = target ? toTarget(target) : 'absent';
  const endpointsUnread = unreadable(gaps, ENDPOINT_SLICES, namespace);
  if (endpointsUnread) service.endpointsUnread = endpointsUnread;
  return service;
}

/** The Service's type and the IPs of status.loadBalancer.ingress (an entry with only a hostname has none). */
function toTarget(svc: KubeObject): OvnEgressServiceTarget {
  const ingress = getArray(svc, 'status', 'loadBalancer', 'ingress');
  return {
    type: getString(getRecord(svc, 'spec'), 'type') ?? 'ClusterIP',
    hasIngress: ingress.length > 0,
    ingressIPs: ingress.map((i) => getString(i, 'ip')).filter((ip): ip is string => ip !== undefined),
  };
}

/**
 * The addresses OVN-Kubernetes reroutes: every endpoint of the Service's EndpointSlices (label
 * kubernetes.io/service-name) that has a nodeName, whatever its ready condition, FQDN slices aside
 * (allEndpointsFor in go-controller/pkg/ovn/controller/egressservice/egressservice_zone_service.go).
 */
function endpointsOf(index: ObjectIndex, namespace: string, service: string): string[] {
  const slices = index.where(
    'EndpointSlice',
    (s) => s.metadata.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === service,
  );
  return slices
    .filter((s) => getString(s, 'addressType') !== 'FQDN')
    .flatMap((s) => getArray(s, 'endpoints'))
    .filter((e) => getString(e, 'nodeName') !== undefined)
    .flatMap((e) => getArray(e, 'addresses').filter((a): a is string => typeof a === 'string'));
}

/** The EgressServices, or the gap where they could not be read. */
function egressServiceLayer(
  index: ObjectIndex,
  gaps: readonly ReadGap[],
  ovn: OvnKubernetesLayer,
): OvnEgressServiceLayer | undefined {
  const services = index.all('EgressService').map((obj) => toEgressService(obj, index, gaps));
  const unread =
    versionGap(index, 'EgressService', 'egressservices') ??
    (services.length === 0 ? unreadable(gaps, EGRESS_SERVICES) : undefined);
  if (services.length === 0 && !unread) return undefined;
  const layer: OvnEgressServiceLayer = {
    mechanism: 'ovn-egress-service',
    services,
    clusterSubnets: ovn.clusterSubnets,
  };
  if (ovn.scope.basis === 'agent-pods') layer.nodes = ovn.scope.nodes;
  if (unread) layer.unread = unread;
  return layer;
}

function built(layer: OvnKubernetesLayer | undefined, inputs: DetectInputs): Built {
  if (!layer) return NOTHING;
  const gateways = [
    egressServiceLayer(inputs.index, inputs.gaps, layer),
    egressIpLayer(inputs.index, inputs.gaps, layer),
  ].filter((g) => g !== undefined);
  return { layers: [layer], gateways };
}

export const ovnKubernetesDetection: Detection = {
  detect: (i) => built(ovnLayer(i, false), i),
  force: (i) => built(ovnLayer(i, true), i),
  reads: {
    resources: [
      { group: 'k8s.ovn.org', versions: ['v1'], plural: 'egressips', kind: 'EgressIP', namespaced: false },
      { group: 'k8s.ovn.org', versions: ['v1'], plural: 'egressservices', kind: 'EgressService', namespaced: true },
    ],
    namespaces: ['ovn-kubernetes', 'openshift-ovn-kubernetes'],
  },
};
