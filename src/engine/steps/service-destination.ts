/**
 * Step 1a, a Service's virtual IP as the destination (core/service-addresses.ts): the packet's
 * answer is its endpoint's, which the destination alone does not say, so the walk ends `unknown`.
 */
import type { Destination } from '../../model/decision.ts';
import type { EngineContext } from '../core/context.ts';
import { EffectBuilder, NO_EFFECT, type Effect } from '../core/effect.ts';
import { serviceAddress } from '../core/service-addresses.ts';

export function serviceDestination(ctx: EngineContext, destination: Destination): Effect {
  const finding = ctx.of(serviceAddress, destination);
  return finding ? new EffectBuilder(ctx.trace).unknown('service-destination', finding).build() : NO_EFFECT;
}
