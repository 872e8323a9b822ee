/**
 * Cluster-wide admin policies of SIG Network's network-policy-api, as the engine reads them:
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) and their
 * successor ClusterNetworkPolicy (v1alpha2, tiers Admin and Baseline) — one shape for the three.
 * Sources: kubernetes-sigs/network-policy-api apis/v1alpha1/*_types.go, apis/v1alpha2/clusternetworkpolicy_types.go.
 */
import type { CidrRange, NetworkPolicyPort } from './policy.ts';
import type { LabelSelector } from './selector.ts';

export const ADMIN_POLICY_KINDS = ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy'] as const;
export type AdminPolicyKind = (typeof ADMIN_POLICY_KINDS)[number];

/** Admin is evaluated before NetworkPolicy, baseline only for pods no NetworkPolicy isolates. */
export type AdminTier = 'admin' | 'baseline';

/** v1alpha1 `Allow` and v1alpha2 `Accept` are both `allow`. */
export type AdminAction = 'allow' | 'deny' | 'pass';

/**
 * An egress peer. `pods`: the pods of the namespaces `namespaceSelector` selects, and of those the
 * ones `podSelector` selects (absent: all of them) — a `namespaces` peer has no podSelector.
 * `nodes`: the addresses in status.addresses of the nodes selected. `domainNames`: names only an
 * enforcer resolving DNS can match.
 */
export type AdminPeer =
  | { kind: 'pods'; namespaceSelector: LabelSelector; podSelector?: LabelSelector }
  | { kind: 'nodes'; nodeSelector: LabelSelector }
  | { kind: 'networks'; cidrs: CidrRange[] }
  | { kind: 'domainNames'; names: string[] };

export interface AdminEgressRule {
  /** `spec.egress[i]`, with the rule's `name` when it has one. */
  ref: string;
  action: AdminAction;
  to: AdminPeer[];
  /** Empty: every port of every protocol. A named port carries the protocol of the packet asked about (it has none of its own). */
  ports: NetworkPolicyPort[];
}

export interface AdminPolicyInfo {
  kind: AdminPolicyKind;
  name: string;
  tier: AdminTier;
  /** 0-1000, lower first; a BaselineAdminNetworkPolicy (a singleton) has none, and 0 here. */
  priority: number;
  /** The subject, as a `pods` peer selects pods (host-networked pods are never selected). */
  subject: { namespaceSelector: LabelSelector; podSelector?: LabelSelector };
  egress: AdminEgressRule[];
  /** A field the API server would have refused: what the policy selects or does is unknown. */
  invalid?: { field: string; value: string };
}

/** Whether an enforcer implements a kind: known yes or no, or unknown (a version or a setting this tool does not read). */
export type AdminSupport = 'yes' | 'no' | 'unknown';
