/**
 * Step results shared between packets a step cannot tell apart. A replayable step names, per pod,
 * a number that stands for everything it reads of the pod and its node, and says in which packet
 * states that holds. The first packet with a given pod key and destination runs the step and its
 * effect is kept — the trace lines, reasons and warnings it added and the packet fields it
 * assigned; later packets get the effect replayed. On a large cluster most pods share their node's
 * SNAT verdict and their workload's egress policies, so most steps become a lookup. A memo lives
 * for one predict call, in which the snapshot, the query and the destinations are fixed.
 */
import type { Destination, TraceStep } from '../model/decision.ts';
import type { PodInfo } from '../model/snapshot.ts';
import { joined, type Packet, type PacketContext } from './packet.ts';

export type Step = (ctx: PacketContext, packet: Packet) => void;

export interface Replay {
  /** Equal numbers for pods the step cannot tell apart (given the same destination); undefined: run it. */
  podKey(ctx: PacketContext, memo: StepMemo): number | undefined;
  /** The packet states in which the key holds, when the step reads the packet. */
  when?(packet: Packet): boolean;
}

/** The packet fields a step may assign, and the lists it may replace with longer ones (addReasons, addWarnings). */
type Assignable = 'sourceIP' | 'identity' | 'via' | 'settled' | 'gateway';
const ASSIGNABLE = new Set<string>(['sourceIP', 'identity', 'via', 'settled', 'gateway'] satisfies Assignable[]);
const LISTS = new Set(['reasons', 'warnings']);

interface StepEffect {
  trace: TraceStep[];
  /** The copy the step ran on (its reasons and warnings are what the step added), and which scalar fields it assigned. */
  after: Packet;
  assigned: Partial<Record<Assignable, true>>;
}

/** One step's kept effects: by pod key, then by the destination's place in the query. */
interface StepEffects {
  byPodKey: Map<number, StepEffect[]>;
  /** The last pod asked about and its effects (predict walks a pod's destinations in a row). */
  pod?: PodInfo;
  effects?: StepEffect[] | undefined;
}

export class StepMemo {
  private readonly destinations: readonly Destination[];
  private readonly steps = new Map<Step, StepEffects>();
  private readonly ids = new Map<object, number>();

  constructor(destinations: readonly Destination[]) {
    this.destinations = destinations;
  }

  /** A small number for an object of this call (a node, a policy selection). */
  idOf(object: object): number {
    let id = this.ids.get(object);
    if (id === undefined) this.ids.set(object, (id = this.ids.size));
    return id;
  }

  /** Runs the step, or replays it for a packet like one it already ran for. */
  run(step: Step, replay: Replay, ctx: PacketContext, packet: Packet): void {
    const effects = replay.when && !replay.when(packet) ? undefined : this.effectsOf(step, replay, ctx);
    const at = ctx.destinationIndex ?? this.destinations.indexOf(ctx.destination);
    if (!effects || at < 0) return step(ctx, packet);
    apply((effects[at] ??= capture(step, ctx, packet)), packet);
  }

  /** The effects kept for pods like this one, looked up once per pod; undefined: the pod has no key. */
  private effectsOf(step: Step, replay: Replay, ctx: PacketContext): StepEffect[] | undefined {
    let kept = this.steps.get(step);
    if (!kept) this.steps.set(step, (kept = { byPodKey: new Map() }));
    if (kept.pod !== ctx.pod) {
      const key = replay.podKey(ctx, this);
      kept.pod = ctx.pod;
      kept.effects = key === undefined ? undefined : kept.byPodKey.get(key);
      if (key !== undefined && !kept.effects) kept.byPodKey.set(key, (kept.effects = []));
    }
    return kept.effects;
  }
}

/** One number for two ids, distinct for distinct pairs (Cantor's pairing). */
export function pair(a: number, b: number): number {
  return ((a + b) * (a + b + 1)) / 2 + b;
}

/** Runs the step on a copy of the packet that notes every field the step assigns. */
function capture(step: Step, ctx: PacketContext, packet: Packet): StepEffect {
  const trace: TraceStep[] = [];
  const effect: StepEffect = { trace, after: { ...packet, trace, reasons: [], warnings: [] }, assigned: {} };
  const noting = new Proxy(effect.after, {
    set(target, field, value) {
      if (typeof field !== 'string' || !(ASSIGNABLE.has(field) || LISTS.has(field))) throw new Error(`internal: a replayed step assigned packet.${String(field)}`);
      if (ASSIGNABLE.has(field)) effect.assigned[field as Assignable] = true;
      return Reflect.set(target, field, value);
    },
  });
  step(ctx, noting);
  return effect;
}

function apply(effect: StepEffect, packet: Packet): void {
  for (const step of effect.trace) packet.trace?.push(step);
  const { after, assigned } = effect;
  packet.reasons = joined(packet.reasons, after.reasons);
  packet.warnings = joined(packet.warnings, after.warnings);
  if (assigned.sourceIP) packet.sourceIP = after.sourceIP;
  if (assigned.identity) packet.identity = after.identity;
  if (assigned.via) packet.via = after.via;
  if (assigned.settled) packet.settled = after.settled;
  if (assigned.gateway) packet.gateway = after.gateway!;
}
