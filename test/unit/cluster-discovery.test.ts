import { describe, expect, it } from 'vitest';
import { specIn } from '../../src/cluster/access.ts';
import { indexGroups } from '../../src/cluster/discovery.ts';
import type { ResourceSpec } from '../../src/cluster/resources.ts';

const EGRESS_GATEWAY_POLICIES: ResourceSpec = {
  group: 'cilium.io',
  versions: ['v2', 'v2alpha1'],
  plural: 'ciliumegressgatewaypolicies',
  kind: 'CiliumEgressGatewayPolicy',
  namespaced: false,
};

type Version = { version: string; resources?: string[]; freshness?: 'Current' | 'Stale' };

/** An APIGroupDiscoveryList as the API server answers GET /apis with the aggregated Accept header. */
function aggregated(groups: Record<string, Version[]>) {
  return indexGroups({
    kind: 'APIGroupDiscoveryList',
    items: Object.entries(groups).map(([name, versions]) => ({
      metadata: { name },
      versions: versions.map((v) => ({
        version: v.version,
        ...(v.freshness ? { freshness: v.freshness } : {}),
        resources: (v.resources ?? []).map((resource) => ({ resource })),
      })),
    })),
  });
}

const policies = 'ciliumegressgatewaypolicies';

describe('a custom resource found in aggregated discovery', () => {
  it.each<[string, Record<string, Version[]>, ReturnType<typeof specIn>]>([
    [
      'the first known version that lists it is served',
      { 'cilium.io': [{ version: 'v2', resources: [policies] }] },
      { served: 'v2' },
    ],
    [
      'a later known version serves it when the first does not list it',
      {
        'cilium.io': [
          { version: 'v2', resources: ['ciliumnodes'] },
          { version: 'v2alpha1', resources: [policies] },
        ],
      },
      { served: 'v2alpha1' },
    ],
    [
      'the spec order decides, not the server preference',
      {
        'cilium.io': [
          { version: 'v2alpha1', resources: [policies] },
          { version: 'v2', resources: [policies] },
        ],
      },
      { served: 'v2' },
    ],
    [
      'only a version the tool does not know lists it: unknown, with that version',
      {
        'cilium.io': [
          { version: 'v3', resources: [policies] },
          { version: 'v2', resources: ['ciliumnodes'] },
        ],
      },
      { unknown: ['v3'] },
    ],
    ['its group is not served: no objects exist', { apps: [{ version: 'v1', resources: ['daemonsets'] }] }, {}],
    [
      'its group serves other resources only: no objects exist',
      { 'cilium.io': [{ version: 'v2', resources: ['ciliumnodes'] }] },
      {},
    ],
    [
      'a stale version of its group: the document cannot say, so each version is asked',
      {
        'cilium.io': [
          { version: 'v2', resources: ['ciliumnodes'] },
          { version: 'v2alpha1', freshness: 'Stale' },
        ],
      },
      undefined,
    ],
    [
      'a current version is trusted',
      { 'cilium.io': [{ version: 'v2', resources: [policies], freshness: 'Current' }] },
      { served: 'v2' },
    ],
  ])('%s', (_name, groups, expected) => {
    expect(specIn(aggregated(groups), EGRESS_GATEWAY_POLICIES)).toEqual(expected);
  });
});
