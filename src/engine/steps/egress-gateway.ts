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

/** A pod's side of the gateways, in the datapath's order: its input to each layer and that input's verdicts. */
export interface GatewayRoute {
  /** Interned per layer, so that the input alone names its layer; undefined where a layer has nothing to say. */
  inputs: readonly (object | undefined)[];
  /** Each input's verdicts by destination, shared by every pod with that input. */
  verdicts: readonly (Map<Destination, Effect> | undefined)[];
}

export function gatewayRoute(ctx: EngineContext, pod: PodInfo, node: NodeInfo): GatewayRoute {
  const inputs = ctx.snapshot.datapath.gateways.map((layer) => {
    const built = gatewayMechanism(layer).input(layer, { ctx, pod, node });
    return built && ctx.inputs.intern(layer, built);
  });
  return { inputs, verdicts: inputs.map((input) => input && ctx.table(VERDICTS).row(input)) };
}

/** The gateways' effect from the pod's inputs and the destination alone. */
export function egressGateway(ctx: EngineContext, route: GatewayRoute, destination: Destination): Effect {
  let effect = NO_EFFECT;
  const layers = ctx.snapshot.datapath.gateways;
  for (let at = 0; at < layers.length; at++) {
    const input = route.inputs[at];
    if (!input) continue;
    const verdicts = route.verdicts[at]!;
    let verdict = verdicts.get(destination);
    if (!verdict)
      verdicts.set(destination, (verdict = gatewayMechanism(layers[at]!).decide(layers[at]!, input, destination, ctx)));
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
