/**
 * The one-line datapath header `who` prints above its table: what was detected, so a reader knows
 * which rules the answers come from. Each mechanism says in its own words what its layer is.
 */
import type { Datapath } from '../model/datapath.ts';
import { describeLayer } from '../engine/registry/mechanisms.ts';

export function datapathHeader(datapath: Datapath): string {
  const parts = [...datapath.layers, ...datapath.gateways].flatMap((layer) => describeLayer(layer) ?? []);
  return `Datapath: ${parts.length > 0 ? parts.join(' + ') : 'none (no masquerading)'}\n`;
}
