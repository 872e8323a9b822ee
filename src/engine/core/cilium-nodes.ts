/** CiliumNodes by name, once per call: masquerading and egress gateways look up a packet's node in them. */
import type { CiliumDatapath } from '../../model/datapath.ts';
import { derivation } from './context.ts';

export const ciliumNodesByName = derivation((dp: CiliumDatapath) => new Map(dp.nodes.map((n) => [n.name, n])));
