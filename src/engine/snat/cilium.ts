/**
 * Cilium masquerading, in the order the datapath decides (reference/cilium-egress.md §1.3, §1.5).
 * BPF: bpf/lib/nat.h `snat_v4_needs_masquerade` — SNAT-exclusion CIDR, the ip-masq-agent map, the
 * remote-node identity, then masquerade. iptables: pkg/datapath/iptables/iptables.go — the
 * native-routing node ipset ACCEPT, then `! -d <exclusion> -s <alloc CIDR> ! -o cilium_+ -j MASQUERADE`.
 * Egress gateway matches come before all of this, in the pipeline's own step.
 */
import type { CiliumConfig, CiliumNodeInfo } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import type { CiliumMasqueradeLayer } from '../../model/layers/cilium.ts';
import type { IpRange } from '../../model/net.ts';
import type { Finding, ReasonCode } from '../../model/reasons.ts';
import { addressRanges, cidrBlocks, coverage, RangeSet, singleAddress, type Coverage } from '../../net/ip.ts';
import {
  byNode,
  byPod,
  type LayerVerdict,
  type NodeFacts,
  type PodFacts,
  type SnatMechanism,
} from '../core/mechanism.ts';
import { evaluateExemptions, exemptBlocks } from './exemption-list.ts';
import { ciliumNodesByName } from '../core/cilium-nodes.ts';
import { derivation, type EngineContext } from '../core/context.ts';
import { ciliumDetection } from '../../config/cilium-datapath.ts';
import { gapData } from '../../config/gaps.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  CILIUM_AGENT_REFUSES_CONFIG: (d) => `the Cilium agent does not start (${d['detail']}), so its datapath is unknown`,
  CILIUM_MASQUERADE_DISABLED: (d) =>
    `Cilium does not masquerade ${d['family']} (enable-${d['family']?.toLowerCase()}-masquerade is false)`,
  CILIUM_DST_LOCAL_POD: () => 'the destination is a pod on the same node: delivered locally, never masqueraded',
  CILIUM_DST_REMOTE_POD_TUNNEL: () =>
    'the destination is a pod on another node, reached through the tunnel, where no masquerading runs',
  CILIUM_DST_IN_EXCLUSION_CIDR: (d) =>
    `the destination is in Cilium's SNAT exclusion CIDR (native-routing CIDR, or the node's pod CIDR) (${d['routingMode']} routing)`,
  CILIUM_NATIVE_ROUTING_CIDR_AUTODETECTED: (d) =>
    `Cilium autodetects its native-routing CIDR from the VPC with ipam ${d['ipam']}, which the cluster does not show; pass --vpc-cidr`,
  CILIUM_DST_REMOTE_NODE_NATIVE: () =>
    'the destination is another node (remote-node identity): not masqueraded in native routing',
  CILIUM_DST_REMOTE_NODE_TUNNEL: () =>
    'the destination is another node (remote-node identity): masqueraded in tunnel mode (Cilium #12624)',
  CILIUM_REMOTE_NODE_MASQUERADE: () =>
    'the destination is another node and enable-remote-node-masquerade is on: masqueraded',
  CILIUM_BPF_MASQUERADE: () => "Cilium's BPF masquerading SNATs it to the node's address",
  CILIUM_IPTABLES_MASQUERADE: (d) =>
    d['interfaces']
      ? `Cilium's iptables rule masquerades traffic leaving ${d['interfaces']} outside the exclusion CIDR`
      : "Cilium's iptables rule masquerades pod traffic outside the exclusion CIDR",
  CILIUM_DST_NODE_INTERNAL_IP_NATIVE: () =>
    'the destination is a node InternalIP in the native-routing node ipset: accepted without masquerade',
  CILIUM_POD_IP_OUTSIDE_ALLOC_CIDR: (d) =>
    `the pod IP ${d['podIP']} is outside the node's allocation CIDR, which Cilium's iptables rule matches (-s)`,
  CILIUM_EGRESS_INTERFACE_ASSUMED: (d) =>
    `assumes the traffic leaves through an interface matching ${d['interfaces']} (egress-masquerade-interfaces)`,
  CILIUM_IP_MASQ_AGENT_NO_EFFECT: () =>
    'enable-ip-masq-agent has no effect with iptables masquerading (it needs enable-bpf-masquerade)',
  CILIUM_GKE_DATAPLANE_V2: (d) =>
    `GKE Dataplane V2 (anetd): GKE's own rules (${d['governedBy']}) decide masquerading, not cilium-config`,
  CILIUM_GKE_DATAPLANE_V2_UNDOCUMENTED: () =>
    "GKE Dataplane V2 (anetd) masquerades by GKE's rules, and none is visible for this node (no EgressNATPolicy, no ip-masq-agent, not a gce:// node); GKE does not document what anetd does then",
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const cilium: SnatMechanism<CiliumMasqueradeLayer> = {
  id: 'cilium',
  stage: 'node-snat',
  findings: FINDINGS,
  detection: ciliumDetection,
  upstream: 'cilium/cilium bpf/lib/nat.h, pkg/datapath/iptables/iptables.go',
  describe: (layer) =>
    layer.gkeDataplaneV2
      ? "cilium (GKE Dataplane V2 anetd: GKE's rules decide masquerading)"
      : layer.configUnread
        ? 'cilium (cilium-config unreadable: masquerading unknown)'
        : `cilium (${layer.mode} masquerading${layer.ipMasqAgent ? ', ip-masq-agent' : ''})`,
  // The iptables rule matches the pod's address against the node's allocation CIDR; BPF does not.
  rule: (layer) =>
    layer.gkeDataplaneV2
      ? byNode((facts) => gkeDataplaneV2(layer, facts))
      : layer.mode === 'bpf'
        ? byNode((facts) => before(facts, (dp, local) => bpf(layer, dp, facts, local)))
        : byPod((facts) => before(facts, (dp, local) => iptables(layer, dp, facts, local))),
};

/** The GKE mechanisms whose rules GKE documents as deciding masquerading (reference/snat-mechanisms.md §2.1, §2.4). */
const GKE_RULES = new Set(['gke-egress-nat-policy', 'gke-default-snat', 'ip-masq-agent']);

/**
 * GKE Dataplane V2: GKE documents masquerading by EgressNATPolicy (Autopilot: "masquerading is
 * controlled with EgressNATPolicy") and, for Standard clusters, by the ip-masq-agent DaemonSet, its
 * ConfigMap and --disable-default-snat — never by cilium-config, whose content GKE does not publish
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/ip-masquerade-agent). So those layers
 * decide; without one of them on the node GKE's behaviour is not documented: unknown.
 */
function gkeDataplaneV2(layer: CiliumMasqueradeLayer, facts: NodeFacts): LayerVerdict {
  const source = layer.daemonSet;
  const governedBy = [...new Set(facts.layersOnNode.filter((l) => GKE_RULES.has(l.mechanism)).map((l) => l.mechanism))];
  if (governedBy.length > 0)
    return {
      outcome: 'not-applicable',
      finding: { code: 'CILIUM_GKE_DATAPLANE_V2', data: { governedBy: governedBy.join(', ') }, source },
    };
  return { outcome: 'unknown', finding: { code: 'CILIUM_GKE_DATAPLANE_V2_UNDOCUMENTED', data: {}, source } };
}

/** What both modes check first: the agent's config, the family's masquerade switch, pod-to-pod paths. */
function before(
  facts: NodeFacts,
  then: (dp: CiliumDatapath, local: CiliumNodeInfo | undefined) => LayerVerdict,
): LayerVerdict {
  const { ctx, node, destination } = facts;
  const dp = ciliumOf(ctx);
  const { config } = dp;
  const family = destination.range.family;
  // Without cilium-config the mode, the masquerade switches and the exclusion CIDR are all unknown,
  // and what Cilium does could change what other chains see: opaque, like an agent that refuses.
  if (dp.unread?.config) return verdict('unknown', 'CILIUM_CONFIG_UNREADABLE', gapData(dp.unread.config), config, true);
  if (config.agentRefuses)
    return verdict('unknown', 'CILIUM_AGENT_REFUSES_CONFIG', { detail: config.agentRefuses }, config, true);
  if (!(family === 4 ? config.enableIPv4Masquerade : config.enableIPv6Masquerade)) {
    return verdict('not-applicable', 'CILIUM_MASQUERADE_DISABLED', { family: `IPv${family}` }, config);
  }
  // Pod CIDRs (cluster-pool IPAM keeps them only in CiliumNodes) and CiliumInternalIPs decide the
  // exemptions below; falling back to Node objects would be a guess.
  if (dp.unread?.nodes) return verdict('unknown', 'CILIUM_NODES_UNREADABLE', gapData(dp.unread.nodes), config);
  const local = ctx.of(ciliumNodesByName, dp).get(node.name);
  const localPods = blocks(ctx, local?.podCIDRs ?? NONE);
  // Pod-to-pod traffic never reaches the masquerading device: local delivery, or the overlay in tunnel mode.
  const podPath =
    check(destination.range, localPods, 'CILIUM_DST_LOCAL_POD', 'exempt', config) ??
    (config.routingMode === 'tunnel'
      ? check(destination.range, ctx.of(allPodCIDRs, dp), 'CILIUM_DST_REMOTE_POD_TUNNEL', 'exempt', config)
      : undefined);
  return podPath ?? then(dp, local);
}

/** config/ builds a Cilium masquerade layer only together with the Cilium settings it reads. */
function ciliumOf(ctx: EngineContext): CiliumDatapath {
  const dp = ctx.snapshot.datapath.cilium;
  if (!dp) throw new Error('internal: a Cilium masquerade layer without Cilium settings');
  return dp;
}

function bpf(
  layer: CiliumMasqueradeLayer,
  dp: CiliumDatapath,
  packet: NodeFacts,
  local: CiliumNodeInfo | undefined,
): LayerVerdict {
  const { config } = dp;
  const range = packet.destination.range;
  // With ip-masq-agent only an explicit native-routing CIDR is excluded; no fallback to the pod CIDR (PR #27747).
  const exclusion = exclusionCidrs(config, packet, local, !config.enableIPMasqAgent);
  if (exclusion === 'autodetected')
    return verdict(
      'unknown',
      'CILIUM_NATIVE_ROUTING_CIDR_AUTODETECTED',
      { missing: '--vpc-cidr', ipam: config.ipam },
      config,
    );
  const excluded = check(range, exclusion, 'CILIUM_DST_IN_EXCLUSION_CIDR', 'exempt', config);
  if (excluded) return excluded;
  if (layer.ipMasqAgent) {
    const map = ipMasqMap(layer, range);
    if (map.outcome !== 'masquerade') return map;
  }
  if (remoteNodeCoverage(packet.ctx.of(nodeAddresses, dp), packet.node.name, range) === 'all') {
    if (config.enableRemoteNodeMasquerade) return verdict('masquerade', 'CILIUM_REMOTE_NODE_MASQUERADE', {}, config);
    return config.routingMode === 'native'
      ? verdict('exempt', 'CILIUM_DST_REMOTE_NODE_NATIVE', {}, config)
      : verdict('masquerade', 'CILIUM_DST_REMOTE_NODE_TUNNEL', {}, config);
  }
  return verdict('masquerade', 'CILIUM_BPF_MASQUERADE', { mode: 'bpf' }, config);
}

function iptables(
  layer: CiliumMasqueradeLayer,
  dp: CiliumDatapath,
  packet: PodFacts,
  local: CiliumNodeInfo | undefined,
): LayerVerdict {
  const { config } = dp;
  const range = packet.destination.range;
  const fromLocalPool =
    coverage(singleAddress(packet.sourceIP) ?? range, blocks(packet.ctx, local?.podCIDRs ?? NONE)) === 'all';
  const note = layer.ipMasqAgent ? [{ code: 'CILIUM_IP_MASQ_AGENT_NO_EFFECT' as const, data: {} }] : [];
  // Native routing: `-s <alloc CIDR> -m set --match-set <node ipset> dst -j ACCEPT`; the ipset holds InternalIPs only.
  // With egress-masquerade-interfaces the rule is `-o <interfaces> -m set ... -j ACCEPT`, without a source match
  // (iptables.go installMasqueradeRules "mirror base condition"; iptables_test.go TestNodeIpsetNATCmds).
  if (config.routingMode === 'native' && (fromLocalPool || config.egressMasqueradeInterfaces.length > 0)) {
    const toNode = check(
      range,
      packet.ctx.of(nodeAddresses, dp).internal,
      'CILIUM_DST_NODE_INTERNAL_IP_NATIVE',
      'exempt',
      config,
    );
    if (toNode) return { ...toNode, warnings: note };
  }
  const exclusion = exclusionCidrs(config, packet, local, true);
  if (exclusion === 'autodetected')
    return verdict(
      'unknown',
      'CILIUM_NATIVE_ROUTING_CIDR_AUTODETECTED',
      { missing: '--vpc-cidr', ipam: config.ipam },
      config,
    );
  const excluded = check(range, exclusion, 'CILIUM_DST_IN_EXCLUSION_CIDR', 'exempt', config);
  if (excluded) return { ...excluded, warnings: note };
  if (config.egressMasqueradeInterfaces.length > 0) {
    // `! -d <exclusion> -o eth+ -j MASQUERADE`: no source match, but the interface names are not visible.
    const interfaces = config.egressMasqueradeInterfaces.join(', ');
    return {
      ...verdict('masquerade', 'CILIUM_IPTABLES_MASQUERADE', { mode: 'iptables', interfaces }, config),
      warnings: [...note, { code: 'CILIUM_EGRESS_INTERFACE_ASSUMED', data: { interfaces } }],
    };
  }
  if (!fromLocalPool)
    return verdict('not-applicable', 'CILIUM_POD_IP_OUTSIDE_ALLOC_CIDR', { podIP: packet.sourceIP }, config);
  return { ...verdict('masquerade', 'CILIUM_IPTABLES_MASQUERADE', { mode: 'iptables' }, config), warnings: note };
}

/**
 * The SNAT-exclusion CIDR: `ipv4-native-routing-cidr` if set; ENI/Azure/AlibabaCloud IPAM
 * autodetects it from the VPC, which the cluster does not show (--vpc-cidr supplies it); otherwise
 * the local node's pod allocation CIDR (pkg/datapath/linux/config/config.go).
 */
function exclusionCidrs(
  config: CiliumConfig,
  packet: NodeFacts,
  local: CiliumNodeInfo | undefined,
  podCidrFallback: boolean,
): readonly IpRange[] | 'autodetected' {
  const explicit = packet.destination.range.family === 4 ? config.ipv4NativeRoutingCIDR : config.ipv6NativeRoutingCIDR;
  if (explicit) return blocks(packet.ctx, explicit);
  if (['eni', 'azure', 'alibabacloud'].includes(config.ipam)) {
    if (!podCidrFallback) return NONE;
    return packet.ctx.query.vpcCIDRs?.length ? blocks(packet.ctx, packet.ctx.query.vpcCIDRs) : 'autodetected';
  }
  return podCidrFallback ? blocks(packet.ctx, local?.podCIDRs ?? NONE) : NONE;
}

/** Cilium's ipmasq LPM map: link-local unless masqLinkLocal(IPv6), plus the configured CIDRs. */
function ipMasqMap(layer: CiliumMasqueradeLayer, range: IpRange): LayerVerdict {
  const { family } = range;
  const config = layer.ipMasqAgent!;
  const data = { layer: 'cilium ip-masq-agent' };
  if (config.status === 'invalid')
    return {
      outcome: 'unknown',
      finding: { code: config.because, data: { ...data, detail: config.detail }, source: config.source },
    };
  const linkLocal =
    family === 4 ? !config.rules.masqLinkLocal && '169.254.0.0/16' : !config.rules.masqLinkLocalIPv6 && 'fe80::/10';
  const list = [
    ...(linkLocal ? exemptBlocks([linkLocal], 'DST_LINK_LOCAL_NOT_MASQUERADED') : []),
    ...exemptBlocks(config.rules.nonMasqueradeCIDRs, 'DST_IN_NON_MASQ_CIDRS'),
  ];
  return evaluateExemptions(
    range,
    list,
    { exempt: 'DST_IN_NON_MASQ_CIDRS', masquerade: 'DST_NOT_IN_NON_MASQ_CIDRS' },
    { ...data, config: config.origin, ...(config.origin === 'defaults' ? { defaultsBecause: config.because } : {}) },
    config.source,
  );
}

interface NodeAddresses {
  /** Every address with the remote-node identity (InternalIP, ExternalIP, CiliumInternalIP), by node. */
  byNode: Map<string, IpRange[]>;
  all: RangeSet;
  internal: RangeSet;
}

/** Parsed once per call: asked for every pod and destination. */
const nodeAddresses = derivation((dp: CiliumDatapath): NodeAddresses => {
  const byNode = new Map(
    dp.nodes.map((n) => [n.name, addressRanges([...n.internalIPs, ...n.externalIPs, ...n.ciliumInternalIPs])]),
  );
  return {
    byNode,
    all: new RangeSet([...byNode.values()].flat()),
    internal: new RangeSet(addressRanges(dp.nodes.flatMap((n) => n.internalIPs))),
  };
});

/** How much of the range other nodes' addresses cover; the local node's own are not remote. */
function remoteNodeCoverage(addresses: NodeAddresses, localNode: string, range: IpRange): Coverage {
  const local = addresses.byNode.get(localNode) ?? [];
  // Only a destination among the local node's own addresses needs the slow, exact answer.
  if (coverage(range, local) === 'none') return addresses.all.coverage(range);
  return coverage(
    range,
    [...addresses.byNode].filter(([name]) => name !== localNode).flatMap(([, r]) => r),
  );
}

const NONE: readonly never[] = [];

const parsedBlocks = derivation((cidrs: readonly string[]) => cidrBlocks(cidrs));

/** The blocks of a list the snapshot holds (parsed and merged once per call), or of one CIDR. */
function blocks(ctx: EngineContext, cidrs: readonly string[] | string): readonly IpRange[] {
  return typeof cidrs === 'string' ? cidrBlocks([cidrs]) : ctx.of(parsedBlocks, cidrs);
}

/** Every node's pod CIDRs, for tunnel mode's pod-to-pod check; once per call. */
const allPodCIDRs = derivation((dp: CiliumDatapath) => new RangeSet(cidrBlocks(dp.nodes.flatMap((n) => n.podCIDRs))));

/** Decides when the whole range is inside the blocks, answers unknown when only part is, else passes. */
function check(
  range: IpRange,
  inside: readonly IpRange[] | RangeSet,
  code: ReasonCode,
  outcome: 'exempt',
  config: CiliumConfig,
): LayerVerdict | undefined {
  const covered = coverage(range, inside);
  if (covered === 'all') return verdict(outcome, code, {}, config);
  if (covered === 'some') return verdict('unknown', 'DST_RANGE_PARTIALLY_EXEMPT', { cidrs: code }, config);
  return undefined;
}

function verdict(
  outcome: LayerVerdict['outcome'],
  code: ReasonCode,
  data: Record<string, string>,
  config: CiliumConfig,
  opaque = false,
): LayerVerdict {
  const finding: Finding = { code, data: { routingMode: config.routingMode, ...data }, source: config.source };
  return opaque ? { outcome, finding, opaque } : { outcome, finding };
}
