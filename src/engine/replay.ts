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
import type { Finding } from '../model/reasons.ts';
import type { PodInfo } from '../model/snapshot.ts';
import type { Packet, PacketContext } from './packet.ts';

export type Step = (ctx: PacketContext, packet: Packet) => void;

export interface Replay {
  /** Equal numbers for pods the step cannot tell apart (given the same destination); undefined: run it. */
  podKey(ctx: PacketContext, memo: StepMemo): number | undefined;
  /** The packet states in which the key holds, when the step reads the packet. */
  when?(packet: Packet): boolean;
}

interface StepEffect {
  trace: TraceStep[];
  reasons: Finding[];
  warnings: Finding[];
  assigned: Partial<Packet>;
}

const ARRAYS = new Set(['trace', 'reasons', 'warnings']);

export class StepMemo {
  private readonly destinations: readonly Destination[];
  private readonly effects = new Map<Step, Map<number, StepEffect>>();
  private readonly lastPodKeys = new Map<Step, { pod: PodInfo; key: number | undefined }>();
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
    const key = replay.when && !replay.when(packet) ? undefined : this.keyOf(step, replay, ctx);
    if (key === undefined) return step(ctx, packet);
    let effects = this.effects.get(step);
    if (!effects) this.effects.set(step, (effects = new Map()));
    let effect = effects.get(key);
    if (!effect) effects.set(key, (effect = capture(step, ctx, packet)));
    apply(effect, packet);
  }

  /** The pod's key, worked out once per pod (predict walks a pod's destinations in a row), with the destination. */
  private keyOf(step: Step, replay: Replay, ctx: PacketContext): number | undefined {
    let last = this.lastPodKeys.get(step);
    if (last?.pod !== ctx.pod) this.lastPodKeys.set(step, (last = { pod: ctx.pod, key: replay.podKey(ctx, this) }));
    const destination = this.destinations.indexOf(ctx.destination);
    if (last.key === undefined || destination < 0) return undefined;
    return last.key * this.destinations.length + destination;
  }
}

/** One number for two ids, distinct for distinct pairs (Cantor's pairing). */
export function pair(a: number, b: number): number {
  return ((a + b) * (a + b + 1)) / 2 + b;
}

/** Runs the step on a copy of the packet that notes every field the step assigns. */
function capture(step: Step, ctx: PacketContext, packet: Packet): StepEffect {
  const effect: StepEffect = { trace: [], reasons: [], warnings: [], assigned: {} };
  const copy: Packet = { ...packet, trace: effect.trace, reasons: effect.reasons, warnings: effect.warnings };
  const noting = new Proxy(copy, {
    set(target, field, value) {
      if (typeof field === 'string' && ARRAYS.has(field)) throw new Error(`internal: a step replaced packet.${field}`);
      (effect.assigned as Record<string | symbol, unknown>)[field] = value;
      return Reflect.set(target, field, value);
    },
  });
  step(ctx, noting);
  return effect;
}

function apply(effect: StepEffect, packet: Packet): void {
  for (const step of effect.trace) packet.trace?.push(step);
  for (const reason of effect.reasons) packet.reasons.push(reason);
  for (const warning of effect.warnings) packet.warnings.push(warning);
  Object.assign(packet, effect.assigned);
}
