/**
 * Antrea Egress (antrea-io/antrea docs/egress.md; pkg/agent/controller/egress/egress_controller.go
 * `syncEgress`, `bindPodEgress`; pkg/agent/openflow/pipeline.go `snatRuleFlow`, `externalFlows`).
 * A selected pod's traffic to a destination outside the cluster is tunnelled to the node holding
 * the Egress IP and SNATed to it there, skipping node SNAT. The agent installs flows only for an
 * Egress with an IP: one given in spec.egressIP alone (static), or one allocated from its
 * ExternalIPPool and scheduled to a node (then status shows it). Of several Egresses the pod is
 * bound to the first one processed ("the effective egress IP will be selected randomly"). Pod CIDRs,
 * node IPs and egress.exceptCIDRs skip Egress SNAT. Only encap and hybrid modes run Egress.
 */
import type { AntreaEgress, AntreaEgressLayer } from '../../model/layers/antrea.ts';
import type { Destination } from '../../model/decision.ts';
import type { Finding } from '../../model/reasons.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { cidrBlocks, coverage, parseIp, RangeSet } from '../../net/ip.ts';
import { gapData } from '../../config/gaps.ts';
import type { CodesOf } from '../../model/reasons.ts';
import { clusterAddresses } from '../core/cluster-addresses.ts';
import { derivation, type EngineContext } from '../core/context.ts';
import { EffectBuilder, type Effect } from '../core/effect.ts';
import type { Findings, GatewayMechanism } from '../core/mechanism.ts';
import { isActiveOn } from '../core/scope.ts';
import { egressesSelecting, type Selection } from './antrea-selection.ts';

const LAYER = 'antrea-egress';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  ANTREA_EGRESS_IP: (d) =>
    `Egress ${d['egress']} sends it through node ${d['egressNode']}, which SNATs it to ${d['egressIP']}`,
  ANTREA_EGRESS_INACTIVE: (d) => `Egresses ${d['egresses']} select the pod but have no effect: ${d['why']}`,
  ANTREA_EGRESS_DST_IN_CLUSTER: () => 'the destination is a pod CIDR or a node address, which Egresses never SNAT',
  ANTREA_EGRESS_DST_EXCEPTED: (d) =>
    `the destination is in egress.exceptCIDRs (${d['cidrs']}) of antrea-agent.conf: Egresses do not SNAT it`,
  ANTREA_EGRESS_RANGE_SPLIT: (d) =>
    `Egress SNAT applies to part of the destination range only (${d['by']}); ask about a narrower --to`,
  ANTREA_EGRESS_NOT_REALISED: (d) =>
    `Egress ${d['egress']} selects the pod but status shows no egress IP on any node${d['pool'] ? ` (pool ${d['pool']}: none allocated or no node of the pool available)` : ''}: Antrea installs no SNAT for it, so the traffic leaves as without it; once an IP is assigned it leaves with that IP, and a new pod's first connections may still leave with the node IP until the agent has installed its flows`,
  ANTREA_EGRESS_IGNORED: (d) => `Egress ${d['egress']} is ignored by antrea-agent: ${d['detail']}`,
  ANTREA_EGRESS_IP_ON_NO_NODE: (d) =>
    `Egress ${d['egress']} names egressIP ${d['egressIP']} but no node shows holding it (status.egressNode is empty): Antrea tunnels the traffic to that address, which is lost unless a host outside Antrea holds it; assign the IP to a node's interface (or use an ExternalIPPool)`,
  ANTREA_EGRESS_IP_INVALID: (d) =>
    `Egress ${d['egress']} has egressIP ${JSON.stringify(d['egressIP'])}, which is not an IP address: what the agent does is unknown`,
  ANTREA_EGRESS_SEVERAL: (d) =>
    `Egresses ${d['egresses']} all select the pod with different IPs (${d['candidates']}); Antrea binds the pod to whichever it processed first, which the cluster does not show`,
  ANTREA_EGRESS_SEVERAL_SAME_IP: (d) =>
    `Egresses ${d['egresses']} all select the pod; they share egress IP ${d['egressIP']}, so whichever Antrea binds, the answer is the same`,
  ANTREA_EGRESS_OTHER_FAMILY: (d) =>
    `Egress ${d['egress']}'s IP ${d['egressIP']} is not ${d['family']}: its SNAT flow matches only its own family, so this traffic takes the default path`,
  ANTREA_EGRESS_GROUP_UNMODELLED: (d) =>
    `Egress ${d['egress']} applies to a ClusterGroup, which this tool does not resolve: whether it selects the pod is unknown`,
  ANTREA_EGRESS_NAMESPACE_UNKNOWN: (d) =>
    `an Egress selects by namespace labels, but Namespace ${d['namespace']} was not read`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

/** Everything of a pod the Egress choice reads: which Egresses select it, or why that is not known. */
export interface AntreaEgressInput {
  selection: readonly AntreaEgress[];
  unknown: Selection['unknown'] | 'unread';
}

export const antreaEgress: GatewayMechanism<AntreaEgressLayer, AntreaEgressInput> = {
  id: 'antrea-egress',
  stage: 'egress-gateway',
  findings: FINDINGS,
  upstream:
    'antrea-io/antrea pkg/agent/controller/egress/egress_controller.go, pkg/agent/openflow/pipeline.go, docs/egress.md',
  describe(layer) {
    if (layer.unreadEgresses) return 'Egresses unreadable';
    const count = layer.egresses.length;
    return count === 0 ? undefined : `${count} Egress${count === 1 ? '' : 'es'}`;
  },
  input(layer, { ctx, pod, node }) {
    if (pod.hostNetwork || !isActiveOn(layer.scope, node)) return undefined;
    if (layer.unreadEgresses) return { selection: [], unknown: 'unread' };
    const { egresses, unknown } = egressesSelecting(ctx, layer, pod);
    return egresses.length > 0 || unknown ? { selection: egresses, unknown } : undefined;
  },
  decide(layer, input, destination, ctx) {
    const effect = new EffectBuilder(ctx.trace);
    const names = input.selection.map((e) => e.name).join(', ');
    const inactive = layer.unreadConfig ? undefined : inactiveBecause(layer);
    if (inactive) {
      const finding = {
        code: 'ANTREA_EGRESS_INACTIVE' as const,
        data: { egresses: names || 'unknown', why: inactive },
        source: layer.config.source,
      };
      return input.unknown ? effect.build() : effect.note(LAYER, 'not-applicable', finding).warn(finding).build();
    }
    const skipped = skippedDestination(ctx, layer, destination);
    if (skipped)
      return skipped.code === 'ANTREA_EGRESS_RANGE_SPLIT'
        ? unknown(effect, skipped)
        : effect.note(LAYER, 'not-applicable', skipped).build();
    if (input.unknown === 'unread')
      return unknown(effect, { code: 'ANTREA_EGRESSES_UNREADABLE', data: gapData(layer.unreadEgresses!) });
    if (input.unknown) return unknown(effect, selectionUnknown(layer, input.unknown));
    // Whether the agent runs Egress at all is in the unread antrea-config.
    if (layer.unreadConfig)
      return unknown(effect, {
        code: 'ANTREA_CONFIG_UNREADABLE',
        data: gapData(layer.unreadConfig),
        source: layer.config.source,
      });
    if (layer.config.agentRefuses)
      return unknown(effect, {
        code: 'ANTREA_AGENT_REFUSES_CONFIG',
        data: { detail: layer.config.agentRefuses },
        source: layer.config.source,
      });
    return bindAndApply(effect, input.selection, destination).build();
  },
};

/** upstream options.go `validateEgressConfig`: the feature gate, and encap or hybrid mode. */
function inactiveBecause({ config }: AntreaEgressLayer): string | undefined {
  if (config.agentRefuses) return undefined;
  if (!config.egressEnabled) return 'the Egress feature gate is off in antrea-agent.conf';
  if (config.trafficEncapMode !== 'encap' && config.trafficEncapMode !== 'hybrid')
    return `Egress requires encap or hybrid mode, and antrea-agent.conf sets ${config.trafficEncapMode}`;
  return undefined;
}

function selectionUnknown(layer: AntreaEgressLayer, why: NonNullable<Selection['unknown']>): Finding {
  const [kind, name] = [why.slice(0, why.indexOf(':')), why.slice(why.indexOf(':') + 1)];
  if (kind === 'group')
    return { code: 'ANTREA_EGRESS_GROUP_UNMODELLED', data: { egress: name }, source: { kind: 'Egress', name } };
  if (layer.unreadNamespaces) return { code: 'NAMESPACES_UNREADABLE', data: gapData(layer.unreadNamespaces) };
  return { code: 'ANTREA_EGRESS_NAMESPACE_UNKNOWN', data: { namespace: name } };
}

/** Pod CIDRs and node IPs (pipeline.go L3Forwarding, snatSkipNodeFlow) and exceptCIDRs (snatSkipCIDRFlow). */
function skippedDestination(
  ctx: EngineContext,
  layer: AntreaEgressLayer,
  destination: Destination,
): Finding | undefined {
  const range = destination.range;
  const inCluster = ctx.of(clusterBlocks, ctx.snapshot).coverage(range);
  if (inCluster === 'all') return { code: 'ANTREA_EGRESS_DST_IN_CLUSTER', data: {} };
  const except = layer.config.exceptCIDRs;
  const excepted = coverage(range, cidrBlocks(except));
  if (excepted === 'all')
    return { code: 'ANTREA_EGRESS_DST_EXCEPTED', data: { cidrs: except.join(', ') }, source: layer.config.source };
  if (inCluster === 'some') return { code: 'ANTREA_EGRESS_RANGE_SPLIT', data: { by: 'in-cluster addresses' } };
  if (excepted === 'some')
    return { code: 'ANTREA_EGRESS_RANGE_SPLIT', data: { by: `exceptCIDRs ${except.join(', ')}` } };
  return undefined;
}

const clusterBlocks = derivation(
  (snapshot: Snapshot, ctx): RangeSet =>
    new RangeSet([
      ...ctx.of(clusterAddresses, snapshot).blocks(),
      ...cidrBlocks(snapshot.nodes.flatMap((n) => n.podCIDRs)),
    ]),
);

/** The IP the agent would install for the Egress, or why it installs none. */
type Desired = { ip: string; node: string | undefined } | { none: Finding };

function desiredOf(egress: AntreaEgress): Desired {
  const ref = { kind: 'Egress', name: egress.name };
  if (egress.ignored)
    return {
      none: { code: 'ANTREA_EGRESS_IGNORED', data: { egress: egress.name, detail: egress.ignored }, source: ref },
    };
  // Agents before v1.12 (status.egressIP came with #4603) wrote only egressNode, as docs/egress.md's first example shows.
  const { egressIP: statusIP, egressNode } = egress.status;
  const ip = statusIP ?? egress.egressIP;
  const agrees = !statusIP || !egress.egressIP || statusIP === egress.egressIP;
  // isEgressSchedulable: with a pool, only the IP the scheduler placed on a node is installed.
  if (egress.externalIPPool) {
    if (ip && egressNode && agrees) return { ip, node: egressNode };
    return {
      none: {
        code: 'ANTREA_EGRESS_NOT_REALISED',
        data: { egress: egress.name, pool: egress.externalIPPool },
        source: ref,
      },
    };
  }
  if (!egress.egressIP)
    return { none: { code: 'ANTREA_EGRESS_NOT_REALISED', data: { egress: egress.name, pool: '' }, source: ref } };
  return { ip: egress.egressIP, node: agrees ? egressNode : undefined };
}

function bindAndApply(
  effect: EffectBuilder,
  selection: readonly AntreaEgress[],
  destination: Destination,
): EffectBuilder {
  const bound: { egress: AntreaEgress; ip: string; node: string | undefined }[] = [];
  for (const egress of selection) {
    const desired = desiredOf(egress);
    if ('none' in desired) effect.note(LAYER, 'not-applicable', desired.none).warn(desired.none);
    else bound.push({ egress, ...desired });
  }
  if (bound.length === 0) return effect;
  const ips = [...new Set(bound.map((b) => b.ip))];
  const egresses = bound.map((b) => b.egress.name).join(', ');
  // egressIPs: every address the pod may leave with, for a set-valued answer (design §5 sourceIPs) once the contract has it.
  if (ips.length > 1)
    return unknownIn(effect, {
      code: 'ANTREA_EGRESS_SEVERAL',
      data: {
        egresses,
        egressIPs: [...ips].sort().join(', '),
        candidates: bound.map((b) => `${b.ip} (${b.egress.name})`).join(', '),
      },
    });
  if (bound.length > 1) effect.warn({ code: 'ANTREA_EGRESS_SEVERAL_SAME_IP', data: { egresses, egressIP: ips[0]! } });
  const chosen = bound.find((b) => b.node) ?? bound[0]!;
  const ref = { kind: 'Egress', name: chosen.egress.name };
  const parsed = parseIp(chosen.ip);
  if (!parsed)
    return unknownIn(effect, {
      code: 'ANTREA_EGRESS_IP_INVALID',
      data: { egress: chosen.egress.name, egressIP: chosen.ip },
      source: ref,
    });
  if (parsed.family !== destination.range.family) {
    return effect.note(LAYER, 'not-applicable', {
      code: 'ANTREA_EGRESS_OTHER_FAMILY',
      data: { egress: chosen.egress.name, egressIP: chosen.ip, family: `IPv${destination.range.family}` },
      source: ref,
    });
  }
  if (!chosen.node)
    return unknownIn(effect, {
      code: 'ANTREA_EGRESS_IP_ON_NO_NODE',
      data: { egress: chosen.egress.name, egressIP: chosen.ip },
      source: ref,
    });
  const finding = {
    code: 'ANTREA_EGRESS_IP' as const,
    data: { egress: chosen.egress.name, egressIP: chosen.ip, egressNode: chosen.node },
    source: ref,
  };
  return effect
    .note(LAYER, 'applied', finding)
    .reason(finding)
    .set({
      sourceIP: chosen.ip,
      identity: 'egress-ip',
      via: LAYER,
      gateway: { node: chosen.node, policy: chosen.egress.name },
      egressFrom: ref,
    });
}

/** An unknown decided here is the Egress's doing: `via` says so. */
function unknownIn(effect: EffectBuilder, finding: Finding): EffectBuilder {
  return effect.set({ via: LAYER }).unknown(LAYER, finding);
}

function unknown(effect: EffectBuilder, finding: Finding): Effect {
  return unknownIn(effect, finding).build();
}
