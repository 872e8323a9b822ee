/**
 * The datapath agents could not be read: any chain, owned by any agent, could be on the node, so
 * the answer is unknown even where another layer would masquerade (it might own that chain).
 */
import type { UnreadableDatapathLayer } from '../../model/layers/unreadable-datapath.ts';
import type { Finding } from '../../model/reasons.ts';
import { byNode, type SnatMechanism } from '../core/mechanism.ts';

export const unreadableDatapath: SnatMechanism<UnreadableDatapathLayer> = {
  id: 'unreadable-datapath',
  upstream: 'design §8: a partial view yields results plus warnings, never a silent wrong answer',
  describe: (layer) =>
    layer.unknownVersion
      ? `unknown (DaemonSet ${layer.unknownVersion.daemonSet} is ${layer.unknownVersion.apiVersion})`
      : `unknown (cannot list ${layer.resource} in ${layer.namespace})`,
  stage: 'node-snat',
  findings: {},
  rule: (layer) => byNode(() => ({ outcome: 'unknown', opaque: true, finding: findingOf(layer) })),
};

function findingOf(layer: UnreadableDatapathLayer): Finding {
  if (layer.unknownVersion) return { code: 'DATAPATH_VERSION_UNKNOWN', data: { ...layer.unknownVersion } };
  return { code: 'DATAPATH_UNREADABLE', data: { resource: layer.resource, namespace: layer.namespace } };
}
