/**
 * The datapath agents could not be read: any chain, owned by any agent, could be on the node, so
 * the answer is unknown even where another layer would masquerade (it might own that chain).
 */
import type { UnreadableDatapathLayer } from '../../model/layers/unreadable-datapath.ts';
import { byNode, type SnatMechanism } from '../core/mechanism.ts';

export const unreadableDatapath: SnatMechanism<UnreadableDatapathLayer> = {
  id: 'unreadable-datapath',
  upstream: 'design §8: a partial view yields results plus warnings, never a silent wrong answer',
  describe: (layer) => `unknown (cannot list ${layer.resource} in ${layer.namespace})`,
  stage: 'node-snat',
  findings: {},
  rule: (layer) => byNode(() => ({ outcome: 'unknown', opaque: true, finding: { code: 'DATAPATH_UNREADABLE', data: { resource: layer.resource, namespace: layer.namespace } } })),
};
