/**
 * Step 2, egress gateways, asked in the order the datapath lists them; the first that takes the
 * packet (reroutes or settles it) ends the step. A gateway decides from the input it builds of the
 * pod and the destination alone, so its verdict is cached by exactly those two.
 */
import type { GatewayLayer } from '../../model/datapath.ts';
import type { EngineContext } from '../core/context.ts';
import { joined, NO_EFFECT, type Effect } from '../core/effect.ts';
import { gatewayMechanism } from '../registry/mechanisms.ts';
import type { PacketAt } from '../core/packet.ts';

const INPUT = Symbol('gateway input');
const VERDICT = Symbol('gateway verdict');

export function egressGateway(ctx: EngineContext, at: PacketAt): Effect {
  let effect = NO_EFFECT;
  for (const layer of ctx.snapshot.datapath.gateways) {
    const next = gatewayEffect(ctx, layer, at);
    effect = effect === NO_EFFECT ? next : merged(effect, next);
    if (effect.set?.gateway || effect.set?.settled) break;
  }
  return effect;
}

function gatewayEffect(ctx: EngineContext, layer: GatewayLayer, { pod, node, destination }: PacketAt): Effect {
  const mechanism = gatewayMechanism(layer);
  // Worked out once per pod and node (a pod meets every destination): the interned input, or none.
  const input = ctx.verdicts.get(() => {
    const built = mechanism.input(layer, { ctx, pod, node });
    return built && ctx.inputs.intern(layer.mechanism, built);
  }, INPUT, layer, pod, node);
  if (!input) return NO_EFFECT;
  return ctx.verdicts.get(() => mechanism.decide(layer, input, destination, ctx), VERDICT, layer, input, destination);
}

function merged(first: Effect, then: Effect): Effect {
  if (then === NO_EFFECT) return first;
  return {
    trace: joined(first.trace, then.trace),
    reasons: joined(first.reasons, then.reasons),
    warnings: joined(first.warnings, then.warnings),
    set: first.set || then.set ? { ...first.set, ...then.set } : undefined,
  };
}
