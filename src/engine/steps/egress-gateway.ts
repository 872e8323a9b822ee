/**
 * Step 2, egress gateways, asked in the order the datapath lists them; the first that takes the
 * packet (reroutes or settles it) ends the step. A gateway decides from the input it builds of the
 * pod and the destination alone, so its verdict is cached by exactly those two.
 */
import type { GatewayLayer } from '../../model/datapath.ts';
import { tableKind, type EngineContext } from '../core/context.ts';
import { Table2 } from '../core/keyed.ts';
import type { Destination } from '../../model/decision.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { joined, NO_EFFECT, type Effect } from '../core/effect.ts';
import { gatewayMechanism } from '../registry/mechanisms.ts';
import type { Step } from '../core/packet.ts';

const INPUTS = tableKind(() => new Table2<GatewayLayer, PodInfo, object | undefined>());
const VERDICTS = tableKind(() => new Table2<object, Destination, Effect>());

export const egressGateway: Step = (ctx, pod, _node, destination) => {
  let effect = NO_EFFECT;
  for (const layer of ctx.snapshot.datapath.gateways) {
    const next = gatewayEffect(ctx, layer, pod, destination);
    effect = effect === NO_EFFECT ? next : merged(effect, next);
    if (effect.gateway || effect.settled) break;
  }
  return effect;
};

function gatewayEffect(ctx: EngineContext, layer: GatewayLayer, pod: PodInfo, destination: Destination): Effect {
  const mechanism = gatewayMechanism(layer);
  // Worked out once per pod (a pod meets every destination), from the pod and the node it names:
  // the input, interned per layer (so the input alone names the layer), or none.
  const input = ctx.table(INPUTS).get(layer, pod, () => {
    const node = ctx.node(pod.nodeName);
    const built = node && mechanism.input(layer, { ctx, pod, node });
    return built && ctx.inputs.intern(layer, built);
  });
  if (!input) return NO_EFFECT;
  return ctx.table(VERDICTS).get(input, destination, () => mechanism.decide(layer, input, destination, ctx));
}

function merged(first: Effect, then: Effect): Effect {
  if (then === NO_EFFECT) return first;
  return {
    ...first,
    ...then,
    trace: joined(first.trace, then.trace),
    reasons: joined(first.reasons, then.reasons),
    warnings: joined(first.warnings, then.warnings),
  };
}
