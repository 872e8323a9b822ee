/**
 * The egress policy resources the tool reads: Kubernetes NetworkPolicies and OVN-Kubernetes
 * EgressFirewalls (config/egress-firewalls.ts), whose verdicts the engine
 * works out (engine/policy/), and the other policy kinds an enforcer may apply beside them, whose
 * verdicts it does not yet — where one of those exists, the verdict is unknown, never a guess.
 * Some of them share a kind name with another resource (Calico's and Antrea's NetworkPolicy, EKS's
 * ClusterNetworkPolicy) and are indexed under a name of their own (ObjectIndex, KIND_ALIASES).
 */
import type { ResourceSpec } from '../model/resources.ts';
import { EGRESS_FIREWALLS } from './egress-firewalls.ts';

export const NETWORK_POLICIES: ResourceSpec = {
  group: 'networking.k8s.io',
  versions: ['v1'],
  plural: 'networkpolicies',
  kind: 'NetworkPolicy',
  namespaced: true,
};

/**
 * SIG Network's network-policy-api: AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1) and
 * their successor ClusterNetworkPolicy (v1alpha2), worked out by engine/policy/admin-network-policy.ts.
 */
export const ADMIN_POLICIES: readonly ResourceSpec[] = [
  {
    group: 'policy.networking.k8s.io',
    versions: ['v1alpha1'],
    plural: 'adminnetworkpolicies',
    kind: 'AdminNetworkPolicy',
    namespaced: false,
  },
  {
    group: 'policy.networking.k8s.io',
    versions: ['v1alpha1'],
    plural: 'baselineadminnetworkpolicies',
    kind: 'BaselineAdminNetworkPolicy',
    namespaced: false,
  },
  {
    group: 'policy.networking.k8s.io',
    versions: ['v1alpha2'],
    plural: 'clusternetworkpolicies',
    kind: 'ClusterNetworkPolicy',
    namespaced: false,
  },
];

/**
 * Calico's policies: crd.projectcalico.org/v1, the CRDs behind projectcalico.org/v3; which pods they
 * select is worked out (config/calico-policies.ts, engine/policy/calico-selection.ts).
 */
export const CALICO_POLICIES: readonly ResourceSpec[] = [
  {
    group: 'crd.projectcalico.org',
    versions: ['v1'],
    plural: 'networkpolicies',
    kind: 'CalicoNetworkPolicy',
    namespaced: true,
  },
  {
    group: 'crd.projectcalico.org',
    versions: ['v1'],
    plural: 'globalnetworkpolicies',
    kind: 'GlobalNetworkPolicy',
    namespaced: false,
  },
];

/** Calico's Tiers, which order its policies (a gap here matters only to pods a policy of a tier other than `default` selects). */
export const CALICO_TIERS: ResourceSpec = {
  group: 'crd.projectcalico.org',
  versions: ['v1'],
  plural: 'tiers',
  kind: 'CalicoTier',
  namespaced: false,
};

/** Policy kinds that may allow or deny egress beside NetworkPolicy, by the enforcers that apply them. */
export const UNEVALUATED_POLICIES: readonly ResourceSpec[] = [
  // Cilium: github.com/cilium/cilium pkg/k8s/apis/cilium.io/v2 (cnp_types.go, ccnp_types.go).
  {
    group: 'cilium.io',
    versions: ['v2'],
    plural: 'ciliumnetworkpolicies',
    kind: 'CiliumNetworkPolicy',
    namespaced: true,
  },
  {
    group: 'cilium.io',
    versions: ['v2'],
    plural: 'ciliumclusterwidenetworkpolicies',
    kind: 'CiliumClusterwideNetworkPolicy',
    namespaced: false,
  },
  // Antrea-native policies: crd.antrea.io/v1beta1.
  {
    group: 'crd.antrea.io',
    versions: ['v1beta1'],
    plural: 'networkpolicies',
    kind: 'AntreaNetworkPolicy',
    namespaced: true,
  },
  {
    group: 'crd.antrea.io',
    versions: ['v1beta1'],
    plural: 'clusternetworkpolicies',
    kind: 'AntreaClusterNetworkPolicy',
    namespaced: false,
  },
  // GKE: FQDN network policies (networking.gke.io/v1alpha1).
  {
    group: 'networking.gke.io',
    versions: ['v1alpha1'],
    plural: 'fqdnnetworkpolicies',
    kind: 'FQDNNetworkPolicy',
    namespaced: true,
  },
  // EKS (VPC CNI 1.21.1+ and Auto Mode): ApplicationNetworkPolicy (namespaced, adds domainNames) and an
  // Admin/Baseline-tiered ClusterNetworkPolicy of its own group, networking.k8s.aws/v1alpha1
  // (aws/amazon-network-policy-controller-k8s; EKS user guide "Use Network Policies with EKS Auto Mode").
  {
    group: 'networking.k8s.aws',
    versions: ['v1alpha1'],
    plural: 'applicationnetworkpolicies',
    kind: 'ApplicationNetworkPolicy',
    namespaced: true,
  },
  {
    group: 'networking.k8s.aws',
    versions: ['v1alpha1'],
    plural: 'clusternetworkpolicies',
    kind: 'EksClusterNetworkPolicy',
    namespaced: false,
  },
];

export const POLICY_RESOURCES: readonly ResourceSpec[] = [
  NETWORK_POLICIES,
  EGRESS_FIREWALLS,
  ...ADMIN_POLICIES,
  ...CALICO_POLICIES,
  CALICO_TIERS,
  ...UNEVALUATED_POLICIES,
];

/** `group/kind` of a custom resource whose kind is also another resource's → the name it is indexed under. */
export const KIND_ALIASES: Readonly<Record<string, string>> = {
  'crd.projectcalico.org/NetworkPolicy': 'CalicoNetworkPolicy',
  'projectcalico.org/NetworkPolicy': 'CalicoNetworkPolicy',
  'crd.projectcalico.org/Tier': 'CalicoTier',
  'projectcalico.org/Tier': 'CalicoTier',
  'crd.antrea.io/NetworkPolicy': 'AntreaNetworkPolicy',
  'crd.antrea.io/ClusterNetworkPolicy': 'AntreaClusterNetworkPolicy',
  'networking.k8s.aws/ClusterNetworkPolicy': 'EksClusterNetworkPolicy',
};
