/**
 * OVN-Kubernetes (the network plugin of OpenShift, OKD, ROSA and ARO): the gateway router's SNAT
 * of pod traffic leaving the cluster, and EgressIP objects. Its layer types join the datapath's by
 * declaration merging (below).
 */
import type { NodeScope } from '../datapath.ts';
import type { ReadGap } from '../gaps.ts';
import type { ObjectRef } from '../objects.ts';
import type { LabelSelector } from '../selector.ts';

/** What a node's k8s.ovn.org/ annotations say, for the SNAT it does. */
export interface OvnNodeFacts {
  /** k8s.ovn.org/node-primary-ifaddr without the prefix length, by family: the gateway router's SNAT address. */
  primaryIPs: { 4?: string; 6?: string };
  /** k8s.ovn.org/node-subnets "default": the node's share of the cluster subnet. */
  subnets: string[];
}

/** The default network's gateway routers SNAT pod traffic that leaves the cluster subnet. */
export interface OvnKubernetesLayer {
  mechanism: 'ovn-kubernetes';
  /** Where it was found: the ovnkube-node DaemonSet, else a node's annotations. */
  source: ObjectRef;
  /** By node name, for nodes with OVN-Kubernetes annotations. */
  nodes: Record<string, OvnNodeFacts>;
  /** Every node's subnets together: destinations in them are pods, routed without SNAT. */
  clusterSubnets: string[];
  scope: NodeScope;
}

/** One EgressIP (k8s.ovn.org/v1, cluster-scoped), as its type says (go-controller/pkg/crd/egressip/v1/types.go). */
export interface OvnEgressIP {
  name: string;
  egressIPs: string[];
  /** undefined: the selector is malformed (an unknown operator), so which pods it selects is unknown. */
  namespaceSelector: LabelSelector | undefined;
  podSelector: LabelSelector | undefined;
  /** status.items: which node holds which of the IPs; only these carry traffic. */
  assigned: { node: string; egressIP: string }[];
}

/** EgressIP objects: matching pods leave through an egress node with one of the assigned IPs. */
export interface OvnEgressIpLayer {
  mechanism: 'ovn-egress-ip';
  egressIPs: OvnEgressIP[];
  /** The OVN layer's cluster subnets: traffic to them is east-west, which EgressIP leaves alone. */
  clusterSubnets: string[];
  /** The nodes OVN-Kubernetes runs on, where known (its layer's scope): pods elsewhere are not its. */
  nodes?: string[];
  /** EgressIPs could not be read (RBAC, an unknown version): any pod may be selected. */
  unread?: ReadGap;
  /** Namespaces could not be read: namespaceSelector cannot be evaluated. */
  unreadNamespaces?: ReadGap;
}

/** One EgressService (k8s.ovn.org/v1, namespaced, named after its LoadBalancer Service; go-controller/pkg/crd/egressservice/v1/types.go). */
export interface OvnEgressService {
  namespace: string;
  name: string;
  /** Anything but `Network` is handled as LoadBalancerIP (clustermanager/egressservice). */
  sourceIPBy: 'LoadBalancerIP' | 'Network';
  network?: string;
  /** status.host: the node that handles the Service's traffic, `ALL` for sourceIPBy Network. */
  host?: string;
  /** The Service of the same name and namespace; absent: there is none (undefined when unread). */
  service?: OvnEgressServiceTarget | 'absent';
  /** The Service could not be read (GET refused): whether it acts is unknown. */
  serviceUnread?: ReadGap;
  /** The IPs of its EndpointSlices' endpoints on a node (any readiness), the pods it reroutes. */
  endpoints: string[];
  /** Its EndpointSlices could not be listed: which pods are endpoints is unknown. */
  endpointsUnread?: ReadGap;
}

/** What of the named Service decides the source IP: its type and status.loadBalancer.ingress[].ip. */
export interface OvnEgressServiceTarget {
  type: string;
  /** Whether status.loadBalancer.ingress has any entry (OVN-Kubernetes checks only that, not for an IP). */
  hasIngress: boolean;
  ingressIPs: string[];
}

/** EgressServices: the endpoints of their LoadBalancer Services leave through one node with its ingress IP. */
export interface OvnEgressServiceLayer {
  mechanism: 'ovn-egress-service';
  services: OvnEgressService[];
  clusterSubnets: string[];
  nodes?: string[];
  /** EgressServices could not be read (RBAC, an unknown version). */
  unread?: ReadGap;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'ovn-kubernetes': OvnKubernetesLayer;
  }
  interface GatewayLayers {
    'ovn-egress-ip': OvnEgressIpLayer;
    'ovn-egress-service': OvnEgressServiceLayer;
  }
}
