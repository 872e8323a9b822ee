/**
 * The engine's input: plain data about the cluster, built by config/ from raw objects.
 */
import type { CloudProvider } from './cloud.ts';
import type { ObjectRef } from './objects.ts';
import type { Datapath } from './datapath.ts';
import type { Finding } from './reasons.ts';
import type { ReadGap } from './gaps.ts';
import type { PodScheduling, Taint } from './scheduling.ts';
import type { Family, IpRange } from './net.ts';
import type { PolicyInputs } from './policy.ts';

/**
 * A value in an address field that is not an address (the API server does not validate
 * status.addresses, podIPs or annotations): kept out of the lists the engine reads, and said.
 */
export interface InvalidAddress {
  /** The list it was in: InternalIP, ExternalIP, podCIDR, podIP. */
  kind: string;
  /** The field as written in the object, e.g. status.addresses[1].address. */
  field: string;
  value: string;
  /**
   * The families whose first address of this kind comes after it: the value could have been that
   * family's address, so which one the node (or pod) uses is unknown. Empty when a valid address of
   * each family comes first, so the value is never the one used.
   */
  hides: Family[];
}

export interface NodeInfo {
  name: string;
  providerID?: string;
  /** Set only for providerIDs whose 1:1 NAT semantics we model (design §4). */
  cloud?: CloudProvider;
  internalIPs: string[];
  externalIPs: string[];
  podCIDRs: string[];
  /** Values of status.addresses and spec.podCIDR(s) that are not addresses; absent when there are none. */
  invalidAddresses?: InvalidAddress[];
  labels: Record<string, string>;
  /** status.nodeInfo.kubeletVersion, e.g. v1.23.17. */
  kubeletVersion?: string;
  taints: Taint[];
  unschedulable: boolean;
}

export interface WorkloadRef {
  kind: string;
  name: string;
}

export interface PodInfo {
  namespace: string;
  name: string;
  nodeName?: string;
  podIPs: string[];
  /** Values of status.podIP(s) that are not addresses; absent when there are none. */
  invalidAddresses?: InvalidAddress[];
  hostNetwork: boolean;
  labels: Record<string, string>;
  /** spec.serviceAccountName (else the deprecated spec.serviceAccount, else `default` as admission sets it). */
  serviceAccount: string;
  /** Only the annotations datapaths read (vpc.amazonaws.com/…, egress.projectcalico.org/…). */
  annotations: Record<string, string>;
  workload: WorkloadRef;
  phase?: string;
  /** Where the pod may be scheduled (allowlist); absent when the input does not show its spec. */
  scheduling?: PodScheduling;
}

export interface Snapshot {
  nodes: NodeInfo[];
  pods: PodInfo[];
  namespaces: string[];
  /** Labels of the Namespace objects read, by name (egress policies select on them). */
  namespaceLabels: Record<string, Record<string, string>>;
  /** The datapath annotations of the Namespace objects read (Calico egress gateways select with them). */
  namespaceAnnotations: Record<string, Record<string, string>>;
  datapath: Datapath;
  /** Problems with the input that do not stop the analysis (wrong ConfigMap key, …). */
  warnings: Finding[];
  /** What the live read could not see (RBAC refusals, APIs not served). */
  gaps: ReadGap[];
  /** The egress policies and their enforcers. */
  policy: PolicyInputs;
  /** The Service virtual IP ranges (config/service-cidrs.ts). */
  services: ServiceRanges;
}

/** ServiceCIDRs read; `unread`: the gap that hides them, so any private destination may be a Service's address. */
export interface ServiceRanges {
  ranges: { cidr: string; range: IpRange; source: ObjectRef }[];
  unread?: ReadGap;
}

export type { ObjectRef };
