/**
 * allowlist: for each destination, every address the selected pods may leave with — on the nodes
 * they run on now and on every node the scheduler may put them on (eligibility.ts) — aggregated
 * exactly (cidr-set.ts), with the reasons the set may change or is not complete. Each placement is
 * decided by the same pipeline as `who`, so the two never disagree.
 */
import type { Allowlist, AllowlistSource } from '../../model/allowlist.ts';
import type { Decision, Destination, Query } from '../../model/decision.ts';
import type { NodeInfo, PodInfo, Snapshot } from '../../model/snapshot.ts';
import { parseCidr } from '../../net/ip.ts';
import { EngineContext } from '../core/context.ts';
import { decidePacket } from '../pipeline.ts';
import { addressRange, aggregate } from './cidr-set.ts';
import { eligibleByScheduling, eligibleNodes } from './eligibility.ts';
import { Moves, PodAddresses, templateKey } from './moves.ts';
import { NoteCollector, unique, type Placement } from './notes.ts';
import { compareText } from '../../config/text-order.ts';

/** Where each pod runs and may run: the same for every destination. */
interface Scheduling {
  ctx: EngineContext;
  eligible: ReadonlyMap<PodInfo, readonly NodeInfo[]>;
  /** Each pod's template (moves.ts): pods of one template moved to one node are decided once. */
  templates: ReadonlyMap<PodInfo, string>;
  addresses: PodAddresses;
}

export interface AllowlistOptions {
  /** Decide every pod on every node (tests compare the two: sharing must change nothing). */
  shareTemplates?: boolean;
}

export function buildAllowlists(
  snapshot: Snapshot,
  pods: readonly PodInfo[],
  query: Query,
  options: AllowlistOptions = {},
): Allowlist[] {
  const share = options.shareTemplates !== false;
  const scheduling: Scheduling = {
    ctx: new EngineContext(snapshot, query),
    eligible: share
      ? eligibleByScheduling(pods, snapshot.nodes)
      : new Map(pods.map((pod) => [pod, eligibleNodes(pod, snapshot.nodes)])),
    templates: new Map(pods.map((pod, i) => [pod, share ? templateKey(snapshot, pod) : String(i)])),
    addresses: new PodAddresses(),
  };
  return query.destinations.map((destination) => buildOne(pods, scheduling, destination));
}

function buildOne(pods: readonly PodInfo[], scheduling: Scheduling, destination: Destination): Allowlist {
  // A pod moved to a node is decided once per template and node (moves.ts says why that is exact).
  const moves = new Moves(scheduling.addresses);
  // Each placement is summed up as it is decided, never kept: there may be millions.
  const sources = new SourceCollector(destination);
  const notes = new NoteCollector(destination);
  const currentNodes = new Set<string>();
  const eligibleNodes = new Set<string>();
  for (const pod of pods) {
    for (const placement of placementsOf(scheduling, pod, destination, moves)) {
      sources.add(placement);
      notes.add(placement);
      eligibleNodes.add(placement.node.name);
      if (placement.current) currentNodes.add(placement.node.name);
    }
  }
  // A pending pod that no node admits contributes no placement, only this note.
  const stuck = pods.filter(
    (p) => !p.nodeName && p.scheduling !== undefined && scheduling.eligible.get(p)!.length === 0,
  );
  // A pod on a node that is not among the objects read (nodes refused, a Node missing) has no
  // placement to decide from, and with no Node the other nodes it may land on are unknown too.
  const unplaced = pods
    .filter((p) => p.nodeName && !scheduling.ctx.node(p.nodeName))
    .map((p) => ({ node: p.nodeName!, decision: decidePacket(scheduling.ctx, p, undefined, destination) }));
  const found = notes.notes(pods, stuck, unplaced);
  const list = sources.sources();
  return {
    destination,
    workloads: uniqueBy(
      pods.map((p) => p.workload),
      (w) => `${w.kind}/${w.name}`,
    ),
    pods: pods.map((p) => `${p.namespace}/${p.name}`).sort(),
    currentNodes: unique([...currentNodes]),
    eligibleNodes: unique([...eligibleNodes]),
    cidrs: aggregate(list.flatMap((s) => addressRange(s.address) ?? [])),
    sources: list,
    notes: found,
    complete: !found.some(
      (n) =>
        n.code === 'PART_UNKNOWN' ||
        n.code === 'NO_ELIGIBLE_NODE' ||
        n.code === 'SCHEDULING_NOT_VISIBLE' ||
        n.code === 'NODE_HAS_NO_POD_CIDR',
    ),
  };
}

/** The pod where it runs, plus the pod as it would be on each other node it may land on. */
function placementsOf(
  { ctx, eligible, templates, addresses }: Scheduling,
  pod: PodInfo,
  destination: Destination,
  moves: Moves,
): Placement[] {
  const current = ctx.node(pod.nodeName);
  const placements: Placement[] = current
    ? [{ pod, node: current, current: true, decision: decidePacket(ctx, pod, current, destination) }]
    : [];
  // On another node the pod gets another address: its invalid ones there say nothing.
  const { invalidAddresses: _here, ...portable } = pod;
  for (const node of moves.nodesFor(pod, templates.get(pod)!, eligible.get(pod)!)) {
    const moved: PodInfo = { ...portable, nodeName: node.name, podIPs: addressesOn(addresses, node, pod) };
    placements.push({ pod: moved, node, current: false, decision: decidePacket(ctx, moved, node, destination) });
  }
  return placements;
}

/**
 * A pod's address on a node it is not on yet: the node's own for hostNetwork, else the address
 * after each pod CIDR's network address, standing for any pod there (policies select on labels,
 * not on pod IPs; the kept pod IP becomes the whole CIDR in sourceOf).
 */
function addressesOn(addresses: PodAddresses, node: NodeInfo, pod: PodInfo): string[] {
  if (pod.hostNetwork) return node.internalIPs;
  return addresses.on(node) ?? pod.podIPs;
}

/**
 * The addresses with the nodes that leave with them. An address every placement shares (a
 * gateway's, a NAT's) has one entry per placement: its nodes go into a set, sorted once at the end.
 */
class SourceCollector {
  private readonly destination: Destination;
  private readonly byAddress = new Map<
    string,
    { source: Omit<AllowlistSource, 'nodes' | 'current'>; nodes: Set<string>; current: boolean }
  >();

  constructor(destination: Destination) {
    this.destination = destination;
  }

  add(p: Placement): void {
    for (const source of sourceOf(p.decision, p.node, this.destination)) {
      const found = this.byAddress.get(source.address) ?? { source, nodes: new Set<string>(), current: false };
      found.nodes.add(p.node.name);
      found.current ||= p.current;
      this.byAddress.set(source.address, found);
    }
  }

  sources(): AllowlistSource[] {
    return [...this.byAddress.values()]
      .map(({ source, nodes, current }) => ({ ...source, nodes: unique([...nodes]), current }))
      .sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }));
  }
}

/**
 * The addresses a firewall sees for one placement: every one of a set (the datapath picks one per
 * connection, so all must be allowed); for a kept pod IP, the whole pod CIDR of the node.
 */
function sourceOf(d: Decision, node: NodeInfo, destination: Destination): Omit<AllowlistSource, 'nodes' | 'current'>[] {
  if (d.identity === 'dropped' || d.identity === 'unknown' || d.sourceIPs.length === 0) return [];
  // The decision's gateway node is one of the set's: which address leaves from which node it does not say.
  if (d.sourceIP === null) return d.sourceIPs.map((address) => ({ address, ...originOf(d, false) }));
  if (d.identity === 'pod-ip') {
    const cidrs = node.podCIDRs.filter((c) => parseCidr(c)?.cidr.family === destination.range.family);
    return (cidrs.length > 0 ? cidrs : [d.sourceIP]).map((address) => ({
      address,
      origin: 'pod-network' as const,
      identity: d.identity,
    }));
  }
  return [{ address: d.sourceIP, ...originOf(d, true) }];
}

function originOf(d: Decision, single: boolean): Omit<AllowlistSource, 'address' | 'nodes' | 'current'> {
  const origin =
    d.identity === 'egress-gateway' || d.identity === 'egress-ip' || d.identity === 'nat' ? d.identity : 'node';
  return {
    origin,
    identity: d.identity,
    ...(d.gateway && single ? { gateway: d.gateway.node } : {}),
    ...(d.egressFrom ? { object: d.egressFrom } : {}),
  };
}

function uniqueBy<T>(values: readonly T[], key: (v: T) => string): T[] {
  return [...new Map(values.map((v) => [key(v), v])).values()].sort((a, b) => compareText(key(a), key(b)));
}
