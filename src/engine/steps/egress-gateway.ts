/**
 * Step 2, egress gateways, asked in the order the datapath lists them; the first that takes the
 * packet (reroutes or settles it) ends the step. A gateway decides from the input it builds of the
 * pod and the destination alone, so its verdict is cached by exactly those two.
 */
import { tableKind, type EngineContext } from '../core/context.ts';
import { Table2 } from '../core/keyed.ts';
import type { Destination } from '../../model/decision.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';
import { joined, NO_EFFECT, type Effect } from '../core/effect.ts';
import { gatewayMechanism } from '../registry/mechanisms.ts';

const VERDICTS = tableKind(() => new Table2<object, Destination, Effect>());

/**
 * The pod's input to each gateway layer, in the datapath's order (undefined where a layer has
 * nothing to say about it), interned per layer so that the input alone names its layer.
 */
export function gatewayInputs(ctx: EngineContext, pod: PodInfo, node: NodeInfo): (object | undefined)[] {
  return ctx.snapshot.datapath.gateways.map((layer) => {
    const built = gatewayMechanism(layer).input(layer, { ctx, pod, node });
    return built && ctx.inputs.intern(layer, built);
  });
}

/** The gateways' effect from the pod's inputs and the destination alone. */
export function egressGateway(ctx: EngineContext, inputs: readonly (object | undefined)[], destination: Destination): Effect {
  let effect = NO_EFFECT;
  const layers = ctx.snapshot.datapath.gateways;
  const verdicts = ctx.table(VERDICTS);
  for (let at = 0; at < layers.length; at++) {
    const input = inputs[at];
    if (!input) continue;
    const layer = layers[at]!;
    const verdict = verdicts.find(input, destination) ?? verdicts.put(input, destination, gatewayMechanism(layer).decide(layer, input, destination, ctx));
    effect = merged(effect, verdict);
    if (effect.gateway || effect.settled) break;
  }
  return effect;
}

/** Two effects one after the other, as one. */
export function merged(first: Effect, then: Effect): Effect {
  if (then === NO_EFFECT) return first;
  if (first === NO_EFFECT) return then;
  return {
    ...first,
    ...then,
    trace: joined(first.trace, then.trace),
    reasons: joined(first.reasons, then.reasons),
    warnings: joined(first.warnings, then.warnings),
  };
}
