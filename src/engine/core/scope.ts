/** Whether a layer is active on a node, from the scope config/ worked out for it. */
import type { NodeScope } from '../../model/datapath.ts';
import type { NodeInfo } from '../../model/snapshot.ts';

export function isActiveOn(scope: NodeScope, node: NodeInfo): boolean {
  switch (scope.basis) {
    case 'all-nodes':
      return true;
    case 'cloud-nodes':
      return node.cloud === scope.cloud;
    case 'agent-pods':
      return scope.nodes.includes(node.name);
    case 'node-selector':
      return Object.entries(scope.selector).every(([key, value]) => node.labels[key] === value);
  }
}
