/**
 * Stable reason codes. Scripts and tests read these; render/messages.ts turns them into prose.
 * Add codes freely; never rename or remove one. The codes of one mechanism live with it (below).
 */
import type { ObjectRef } from './objects.ts';

export const REASON_CODES = [
  // 1. pod network
  'POD_IP',
  'HOST_NETWORK_NODE_IP',
  'POD_NOT_SCHEDULED',
  'POD_HAS_NO_IP',
  'POD_HAS_NO_IP_OF_FAMILY',
  'NODE_NOT_FOUND',
  'NODE_HAS_NO_INTERNAL_IP',
  'NODE_ADDRESS_INVALID',
  'POD_ADDRESS_INVALID',
  'NODES_UNREADABLE',
  // 3. node SNAT
  'NODE_SNAT_NOT_APPLICABLE_HOST_NETWORK',
  'DST_IS_NODE_ADDRESS',
  'POD_SOURCE_ADDRESS_NOT_VISIBLE',
  'NO_SNAT_LAYER_ON_NODE',
  'LAYER_NOT_ON_NODE',
  'DST_IN_NON_MASQ_CIDRS',
  'DST_NOT_IN_NON_MASQ_CIDRS',
  'DST_LINK_LOCAL_NOT_MASQUERADED',
  'DST_RANGE_PARTIALLY_EXEMPT',
  'AGENT_IPV6_DISABLED',
  'AGENT_CONFIG_INVALID',
  'AGENT_CONFIGMAP_REQUIRED_MISSING',
  'AGENT_CONFIGMAP_UNREADABLE',
  'AGENT_CONFIG_DIR_NOT_MOUNTED',
  'AGENT_CONFIG_DIR_UNSURE',
  'DATAPATH_UNREADABLE',
  'AGENT_DEFAULTS_NO_CONFIG_VOLUME',
  'AGENT_DEFAULTS_CONFIGMAP_MISSING',
  'AGENT_DEFAULTS_KEY_MISSING',
  'AGENT_DEFAULTS_EMPTY_FILE',
  'AGENT_CONFIG_FROM_FILE',
  'LAYER_IPV4_ONLY',
  'DST_IN_POD_CIDRS',
  'DST_OUTSIDE_POD_CIDRS',
  'POD_CIDRS_UNKNOWN',
  'MASQUERADED_TO_NODE_IP',
  'ALL_LAYERS_EXEMPT',
  'UNKNOWN_LAYER_IRRELEVANT',
  'SNAT_LAYER_UNKNOWN',
  // Cilium masquerading
  // 2. Cilium egress gateway
  'NODE_SNAT_SKIPPED_BY_EGRESS_GATEWAY',
  // other datapaths
  'DATAPATH_OVERRIDDEN',
  // 4. beyond the node
  'DST_NOT_PUBLIC',
  'DST_IN_CLUSTER',
  'DST_RANGE_MIXED_PUBLIC',
  'NODE_EXTERNAL_IP',
  'NAT_IP_GIVEN',
  'NAT_IP_UNKNOWN',
  'NAT_IP_OTHER_FAMILY',
  'NO_NAT_ASSUMED_OFF_CLOUD',
  'AWS_IPV6_NOT_TRANSLATED',
  // answers that are a set (engine/core/effect.ts leaveFromPrefix)
  'EGRESS_PREFIX_NOT_LISTED',
  // snapshot-level findings
  'DATAPATH_NOT_RECOGNISED',
  'AGENT_CONFIGMAP_KEY_IGNORED',
  'AGENT_CONFIG_KEYS_IGNORED',
  'AGENT_CIDR_PREFIX_OCTAL',
  'AWS_ENV_BOOL_INVALID',
  'AWS_EXCLUDE_SNAT_CIDR_SKIPPED',
  'AGENT_SCOPE_FROM_NODE_SELECTOR',
  'READ_FORBIDDEN',
  'READ_UNKNOWN_VERSION',
  // inputs a mechanism depends on that could not be read (forbidden, or an unknown API version)
  'CILIUM_CONFIG_UNREADABLE',
  'CILIUM_EGW_POLICIES_UNREADABLE',
  'CILIUM_NODES_UNREADABLE',
  'CALICO_CONFIG_UNREADABLE',
  'GKE_EGRESS_NAT_POLICIES_UNREADABLE',
  'EKS_AUTO_NODECLASSES_UNREADABLE',
  'EKS_AUTO_NODEPOOLS_UNREADABLE',
  'ANTREA_CONFIG_UNREADABLE',
  'ANTREA_EGRESSES_UNREADABLE',
  'OVN_EGRESSIPS_UNREADABLE',
  'OVN_EGRESS_SERVICES_UNREADABLE',
  'OVN_EGRESS_SERVICE_TARGET_UNREADABLE',
  'OVN_EGRESS_SERVICE_ENDPOINTS_UNREADABLE',
  'OVN_EGRESSIP_NAMESPACES_UNREADABLE',
  'NAMESPACES_UNREADABLE',
  'AKS_SGW_CONFIGURATIONS_UNREADABLE',
  'AKS_SGW_GATEWAY_ADDRESSES_UNREADABLE',
  'ADDRESS_INVALID',
  'OBJECT_VERSION_UNKNOWN',
  'DATAPATH_VERSION_UNKNOWN',
] as const;

/**
 * Codes a mechanism adds are declared by its own module, from the sentences it gives them
 * (engine/mechanism.ts `findings`), by declaration merging into this interface.
 */
export interface MechanismReasonCodes {}

/** The codes of a mechanism's findings table. */
export type CodesOf<F> = { readonly [Code in keyof F]: true };

export type CoreReasonCode = (typeof REASON_CODES)[number];
export type ReasonCode = CoreReasonCode | keyof MechanismReasonCodes;

/** A reason code with the values that fill its message, and the object it came from. */
export interface Finding {
  code: ReasonCode;
  data: Record<string, string>;
  source?: ObjectRef;
}
