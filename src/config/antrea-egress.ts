/**
 * Antrea's Egress and ExternalIPPool (crd.antrea.io/v1beta1, both cluster-scoped; antrea-io/antrea
 * pkg/apis/crd/v1beta1/types.go, docs/egress.md), and the detection that builds Antrea's two layers.
 * v1alpha2, the only version Antrea 1.0 to 1.12 serve (v1beta1 came in 1.13, #5180; v1alpha2 went
 * in 2.0, #6239), has the same fields, so both are read alike.
 */
import type {
  AntreaAppliedTo,
  AntreaEgress,
  AntreaEgressLayer,
  AntreaExternalIPPool,
  AntreaIPRange,
} from '../model/layers/antrea.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { Family } from '../model/net.ts';
import { parseCidr, parseIp } from '../net/ip.ts';
import { invalidAddressWarnings } from './addresses.ts';
import { versionGap } from './api-versions.ts';
import { antreaLayers, findAntrea, forceAntrea, type AntreaFound } from './antrea.ts';
import { agentScope } from './daemonset.ts';
import { NOTHING, type Built, type Detection, type DetectInputs } from './detection.ts';
import { unreadable } from './gaps.ts';
import { toLabelSelector } from './label-selector.ts';
import { getArray, getRecord, getString, isRecord } from './objects.ts';

const EGRESSES = 'egresses.crd.antrea.io';

export function parseEgress(obj: KubeObject): AntreaEgress {
  const spec = getRecord(obj, 'spec');
  const status = getRecord(obj, 'status');
  const egress: AntreaEgress = { name: obj.metadata.name, status: {} };
  const appliedTo = parseAppliedTo(getRecord(spec, 'appliedTo'));
  if (appliedTo) egress.appliedTo = appliedTo;
  const egressIP = getString(spec, 'egressIP');
  const pool = getString(spec, 'externalIPPool');
  if (egressIP) egress.egressIP = egressIP;
  if (pool) egress.externalIPPool = pool;
  // pkg/controller/egress/validate.go rejects both "not supported yet"; the agent reads only the singular fields.
  if (getArray(spec, 'egressIPs').length > 0 || getArray(spec, 'externalIPPools').length > 0)
    egress.ignored = 'spec.egressIPs and spec.externalIPPools are not supported yet';
  const statusIP = getString(status, 'egressIP');
  const statusNode = getString(status, 'egressNode');
  if (statusIP) egress.status.egressIP = statusIP;
  if (statusNode) egress.status.egressNode = statusNode;
  return egress;
}

/** docs/egress.md "AppliedTo": podSelector alone is cluster-wide; an empty appliedTo selects nothing. */
function parseAppliedTo(value: Record<string, unknown> | undefined): AntreaAppliedTo | undefined {
  if (!value) return undefined;
  const out: AntreaAppliedTo = {};
  const group = getString(value, 'group');
  if (group) return { group };
  for (const key of ['podSelector', 'namespaceSelector'] as const) {
    if (!isRecord(value[key])) continue;
    const selector = toLabelSelector(value[key]);
    if (!selector) return undefined;
    out[key] = selector;
  }
  return out.podSelector || out.namespaceSelector ? out : undefined;
}

export function parseExternalIPPool(obj: KubeObject): AntreaExternalIPPool {
  const spec = getRecord(obj, 'spec');
  const ipRanges = getArray(spec, 'ipRanges')
    .filter(isRecord)
    .map((r): AntreaIPRange => {
      const range: AntreaIPRange = {};
      for (const key of ['cidr', 'start', 'end'] as const) {
        const text = getString(r, key);
        if (text) range[key] = text;
      }
      return range;
    });
  const pool: AntreaExternalIPPool = { name: obj.metadata.name, ipRanges };
  const nodeSelector = toLabelSelector(spec?.['nodeSelector']);
  if (nodeSelector) pool.nodeSelector = nodeSelector;
  return pool;
}

/** Addresses an Egress or pool names that do not parse (a -f file is not validated): said, and linted. */
function addressWarnings(egresses: readonly AntreaEgress[], pools: readonly AntreaExternalIPPool[]): Finding[] {
  const both: Family[] = [4, 6];
  const egressBad = egresses.map((e) =>
    invalidAddressWarnings(
      { kind: 'Egress', name: e.name },
      (
        [
          ['spec.egressIP', e.egressIP],
          ['status.egressIP', e.status.egressIP],
        ] as const
      ).flatMap(([field, value]) =>
        value === undefined || parseIp(value) ? [] : [{ kind: 'Egress IP', field, value, hides: both }],
      ),
    ),
  );
  const poolBad = pools.map((p) =>
    invalidAddressWarnings(
      { kind: 'ExternalIPPool', name: p.name },
      p.ipRanges.flatMap((r, i) =>
        r.cidr === undefined || parseCidr(r.cidr)
          ? []
          : [{ kind: 'ExternalIPPool cidr', field: `spec.ipRanges[${i}].cidr`, value: r.cidr, hides: both }],
      ),
    ),
  );
  return [...egressBad, ...poolBad].flat();
}

/** The Egress layer: asked for every pod while the agent runs in a mode where Egress works, or may. */
function egressLayer(found: AntreaFound, i: DetectInputs): AntreaEgressLayer {
  const { index, gaps, warnings } = i;
  const egresses = index.all('Egress').map(parseEgress);
  const pools = index.all('ExternalIPPool').map(parseExternalIPPool);
  warnings.push(...addressWarnings(egresses, pools));
  const scope = found.daemonSet ? agentScope(found.daemonSet, i.pods) : { basis: 'all-nodes' as const };
  const layer: AntreaEgressLayer = { mechanism: 'antrea-egress', config: found.config, scope, egresses, pools };
  const unreadEgresses =
    versionGap(index, 'Egress', 'egresses') ?? (egresses.length === 0 ? unreadable(gaps, EGRESSES) : undefined);
  if (unreadEgresses) layer.unreadEgresses = unreadEgresses;
  if (found.unreadConfig) layer.unreadConfig = found.unreadConfig;
  const unreadPools =
    versionGap(index, 'ExternalIPPool', 'externalippools') ??
    (pools.length === 0 ? unreadable(gaps, 'externalippools.crd.antrea.io') : undefined);
  if (unreadPools) layer.unreadPools = unreadPools;
  const unreadNamespaces = unreadable(gaps, 'namespaces');
  if (unreadNamespaces) layer.unreadNamespaces = unreadNamespaces;
  return layer;
}

function built(found: AntreaFound | undefined, i: DetectInputs): Built {
  if (!found) return NOTHING;
  return { layers: antreaLayers(found, i.pods, i.warnings), gateways: [egressLayer(found, i)] };
}

export const antreaDetection: Detection = {
  detect: (i) => built(findAntrea(i.index, i.gaps), i),
  force: (i) => built(forceAntrea(i.index, i.gaps), i),
  reads: {
    resources: [
      {
        group: 'crd.antrea.io',
        versions: ['v1beta1', 'v1alpha2'],
        plural: 'egresses',
        kind: 'Egress',
        namespaced: false,
      },
      {
        group: 'crd.antrea.io',
        versions: ['v1beta1', 'v1alpha2'],
        plural: 'externalippools',
        kind: 'ExternalIPPool',
        namespaced: false,
      },
    ],
  },
};
