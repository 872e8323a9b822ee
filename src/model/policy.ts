/**
 * Egress policy: whether the cluster's own policies let a packet leave the pod at all (design §5
 * "Additions": the `policy` field), and the policy objects as the engine reads them.
 */
import type { IpRange } from './net.ts';
import type { Finding } from './reasons.ts';
import type { LabelSelector } from './selector.ts';
import type { ReadGap } from './gaps.ts';
import type { AdminPolicyInfo, AdminPolicyKind, AdminSupport } from './admin-policy.ts';
import type { EgressFirewallInputs } from './egress-firewall.ts';
import type { CiliumPolicyInputs } from './cilium-policy.ts';
import type { CalicoPolicyInfo, CalicoTier } from './calico-policy.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type PolicyVerdict = 'allowed' | 'denied' | 'unknown';

/** A policy rule that took part in the verdict; `rule` names it as written (`egress[1]`, or `isolation` for a default deny). */
export interface PolicyRef {
  kind: string;
  namespace?: string;
  name: string;
  rule: string;
}

export interface PolicyAnswer {
  verdict: PolicyVerdict;
  decidedBy: PolicyRef[];
  reasons: Finding[];
}

/** What a policy is asked about: where the packet goes, and on which port. */
export interface PolicyTarget {
  range: IpRange;
  protocol: Protocol;
  /** Absent: the user named no port, so rules that allow only some ports cannot decide. */
  port?: number;
}

/** A CIDR as its range and as written. */
export type CidrRange = IpRange & { text: string };

/**
 * A NetworkPolicyPeer: an ipBlock, or pods chosen by selectors. An absent namespaceSelector means
 * the policy's own namespace; an absent podSelector means every pod of the selected namespaces.
 */
export type NetworkPolicyPeer =
  | { kind: 'ipBlock'; cidr: CidrRange; except: CidrRange[] }
  | { kind: 'pods'; podSelector?: LabelSelector; namespaceSelector?: LabelSelector };

/** A NetworkPolicyPort: `port` a number or a named container port; absent, every port of the protocol. */
export interface NetworkPolicyPort {
  protocol: Protocol;
  port?: number | string;
  endPort?: number;
}

/** One egress rule: empty `to` is every destination, empty `ports` every port (networking/v1 types.go). */
export interface NetworkPolicyEgressRule {
  to: NetworkPolicyPeer[];
  ports: NetworkPolicyPort[];
}

/** A Kubernetes NetworkPolicy (networking.k8s.io/v1), as far as egress is concerned. */
export interface NetworkPolicyInfo {
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  /** policyTypes holds Egress (defaulted as the API server does when it is absent). */
  isolatesEgress: boolean;
  egress: NetworkPolicyEgressRule[];
  /** Why the object cannot be read as a policy (a field the API server would have refused); its rules are then empty. */
  invalid?: { field: string; value: string };
  /** The ipBlocks of its ingress rules' `from` peers, where it isolates ingress: what lint checks against SNAT. */
  ingressBlocks?: { cidr: CidrRange; except: CidrRange[] }[];
}

/** A NetworkPolicy enforcer found among the DaemonSets read, or EKS Auto Mode's turned on by its ConfigMap (config/policy-inputs.ts). */
export interface PolicyEnforcer {
  id: string;
  /** The object it was found by: its DaemonSet, or for EKS Auto Mode the ConfigMap that turns it on. */
  source: { kind: string; namespace?: string; name: string };
  /** Which admin policy kinds it implements (config/admin-policy-support.ts); a kind not listed: no. */
  admin?: Partial<Record<AdminPolicyKind, AdminSupport>>;
}

/** A policy object of a kind whose verdicts the engine does not work out (yet): its presence makes them unknown. */
export interface UnevaluatedPolicy {
  kind: string;
  namespace?: string;
  name: string;
}

/** What the policy step reads (design §5 `policy`). */
export interface PolicyInputs {
  networkPolicies: NetworkPolicyInfo[];
  /** Why NetworkPolicies could not be read (refused, or of an unknown version); absent when they were. */
  networkPoliciesUnread?: ReadGap;
  /** Policies of other kinds that may decide egress, and the kinds that could not be read. */
  unevaluated: UnevaluatedPolicy[];
  unevaluatedUnread: ReadGap[];
  enforcers: PolicyEnforcer[];
  /** The reads an enforcer would have been found by that were refused (DaemonSets; with an EKS Auto Mode node, kube-system's ConfigMaps); absent in inputs built before. */
  enforcersUnread?: ReadGap[];
  /** AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies (engine/policy/admin-network-policy.ts). */
  adminPolicies: AdminPolicyInfo[];
  /** OVN-Kubernetes EgressFirewalls (absent in inputs built before they were read). */
  egressFirewalls?: EgressFirewallInputs;
  /** CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies as rules, which the step evaluates where Cilium enforces. */
  cilium: CiliumPolicyInputs;
  /** Calico NetworkPolicies and GlobalNetworkPolicies, as far as which pods they select (absent in inputs built before they were read). */
  calico?: CalicoPolicyInfo[];
  /** Calico's Tiers, and why they could not be read (then absent or empty). */
  calicoTiers?: CalicoTier[];
  calicoTiersUnread?: ReadGap;
  /** The aws-node DaemonSet that runs the VPC CNI in strict mode (default deny for every pod), when one does. */
  vpcCniStrict?: PolicyEnforcer['source'];
  /** Every pod of the cluster is in the input (a live read of all namespaces, or a snapshot of one): an address none of them has is no pod's. */
  allPods: boolean;
}
