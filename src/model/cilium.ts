/**
 * Cilium's settings as the agent reads them (defaults from the agent, not Helm), and the
 * CiliumEgressGatewayPolicies parsed as the agent parses them (reference/cilium-egress.md).
 */
import type { ObjectRef } from './objects.ts';
import type { LabelSelector } from './selector.ts';
import type { InvalidAddress } from './snapshot.ts';

export type CiliumRoutingMode = 'tunnel' | 'native';

export interface CiliumConfig {
  source: ObjectRef;
  enableIPv4Masquerade: boolean;
  enableIPv6Masquerade: boolean;
  enableBPFMasquerade: boolean;
  routingMode: CiliumRoutingMode;
  ipv4NativeRoutingCIDR?: string;
  ipv6NativeRoutingCIDR?: string;
  enableIPMasqAgent: boolean;
  /** `ip-masq-agent-config-path` (pkg/ipmasq/cell/config.go): the agent watches its directory. */
  ipMasqAgentConfigPath: string;
  enableRemoteNodeMasquerade: boolean;
  egressMasqueradeInterfaces: string[];
  enableEgressGateway: boolean;
  kubeProxyReplacement: boolean;
  ipam: string;
  /** `cluster-name` (default `default`): the endpoint label io.cilium.k8s.policy.cluster. */
  clusterName: string;
  /** The identity-label filter: the agent's defaults plus the `labels` option. */
  labelFilter: CiliumLabelFilter;
  /** Set when the agent refuses this configuration and exits (its datapath state is then unknown). */
  agentRefuses?: string;
  /** Set when cilium-config was not among the objects read: every value above is the agent's default. */
  notFound?: true;
}

/** One pattern of the identity-label filter, as pkg/labelsfilter `parseLabelPrefix` splits it. */
export interface CiliumLabelPrefix {
  /** The text before the first `:`; '' matches every source. */
  source: string;
  /** A regular expression matched at the start of the label key. */
  pattern: string;
  /** `!`: labels it matches are left out of the identity. */
  ignore: boolean;
  /** The Cilium release whose default list added it (older agents lack it). */
  since?: string;
}

/** Which endpoint labels go into the security identity, so which labels policies can select on. */
export interface CiliumLabelFilter {
  prefixes: CiliumLabelPrefix[];
  /** An inclusive pattern came from the `labels` option: only labels an include matches are kept. */
  whitelist: boolean;
  /** Why the filter cannot be modelled (a label-prefix-file, a pattern outside the modelled syntax). */
  unmodelled?: string;
}

export interface CiliumGateway {
  nodeSelector: LabelSelector;
  interface?: string;
  egressIP?: string;
}

export interface CiliumEgressPolicy {
  name: string;
  /** Why the agent's parser rejects the policy (it then has no effect); undefined when valid. */
  invalid?: string;
  /** Each entry ORed; within one, podSelector AND namespaceSelector (already in identity-label form). */
  selectors: LabelSelector[];
  /** selectors[].nodeSelector from every entry, pooled: the endpoint's node must match any. */
  nodeSelectors: LabelSelector[];
  destinationCIDRs: string[];
  excludedCIDRs: string[];
  /** egressGateways when non-empty, else [egressGateway]. */
  gateways: CiliumGateway[];
  multiGateway: boolean;
  /**
   * For a rejected policy, what it was meant for as far as it parses: the selector entries and
   * destination CIDRs that are valid (undefined when some were written and none parses: any
   * destination may have been meant). Nothing is installed from it; who warns the pods it names.
   */
  intended?: { selectors: LabelSelector[]; destinationCIDRs: string[] | undefined };
  /** Gateway entries naming both egressIP and interface, which makes the parser reject the policy. */
  conflictingGateways?: { field: string; egressIP: string; interface: string }[];
}

/** A node as Cilium knows it: CiliumNode where present, the Node object otherwise. */
export interface CiliumNodeInfo {
  name: string;
  labels: Record<string, string>;
  internalIPs: string[];
  externalIPs: string[];
  ciliumInternalIPs: string[];
  podCIDRs: string[];
  /** Values of the CiliumNode's spec.addresses and spec.ipam.podCIDRs (or the Node's) that are not addresses. */
  invalidAddresses?: InvalidAddress[];
  source: ObjectRef;
}
