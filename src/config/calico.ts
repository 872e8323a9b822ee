/**
 * Calico natOutgoing: IP pools (crd.projectcalico.org/v1, or projectcalico.org/v3 — the same
 * IPPoolSpec) and FelixConfiguration `default` with per-node `node.<name>` overrides
 * (reference/snat-mechanisms.md §5.1, §5.2).
 */
import type {
  CalicoEgressGatewayLayer,
  CalicoEgressRule,
  CalicoFelixSettings,
  CalicoLayer,
  CalicoPool,
} from '../model/layers/calico.ts';
import type { KubeObject } from '../model/objects.ts';
import type { ReadGap } from '../model/gaps.ts';
import { unreadable } from './gaps.ts';
import { versionGap } from './api-versions.ts';
import type { Finding } from '../model/reasons.ts';
import type { Family } from '../model/net.ts';
import { parseCidr, parseIp } from '../net/ip.ts';
import { invalidAddressWarnings } from './addresses.ts';
import { getArray, getRecord, getString, refOf, type ObjectIndex } from './objects.ts';
import { NOTHING, type Built, type Detection } from './detection.ts';

export function isCalicoNodeDaemonSet(ds: KubeObject): boolean {
  return ds.metadata.name === 'calico-node';
}

/**
 * Calico's data is served twice: crd.projectcalico.org/v1 (the CRDs) and projectcalico.org/v3 (the
 * Calico API server, over the same data). A kind is unknown only when neither was read and one of
 * them was refused or is served at a version the tool does not know; a group that is not served
 * at all holds nothing.
 */
function unreadKind(gaps: readonly ReadGap[], plural: string): ReadGap | undefined {
  const names = [`${plural}.crd.projectcalico.org`, `${plural}.projectcalico.org`];
  const readCleanly = names.some((name) => !gaps.some((g) => g.resource === name));
  return readCleanly ? undefined : names.map((name) => unreadable(gaps, name)).find((g) => g !== undefined);
}

/**
 * Without calico-node among the DaemonSets read, Felix does not run and unread pools change no
 * answer (a refused DaemonSet list already makes the whole datapath unknown), so they are only the
 * read warning. With it, natOutgoing rests on the pools and FelixConfiguration: unknown if unread.
 */
export function calicoLayer(index: ObjectIndex, gaps: readonly ReadGap[] = []): CalicoLayer | undefined {
  const pools = index.all('IPPool').map(toPool);
  const calicoNode = index.where('DaemonSet', isCalicoNodeDaemonSet).length > 0;
  // An object of an unknown version (in a -f file) hides what it says whatever else was read.
  const hiddenPools = versionGap(index, 'IPPool', 'ippools');
  if (pools.length === 0 && !calicoNode && !hiddenPools) return undefined;
  const layer = calicoFrom(index, pools);
  const unreadPools = hiddenPools ?? (pools.length === 0 ? unreadKind(gaps, 'ippools') : undefined);
  const unreadFelix =
    versionGap(index, 'FelixConfiguration', 'felixconfigurations') ??
    (index.all('FelixConfiguration').length === 0 ? unreadKind(gaps, 'felixconfigurations') : undefined);
  if (unreadPools) layer.unreadPools = unreadPools;
  if (unreadFelix) layer.unreadFelix = unreadFelix;
  return layer;
}

function calicoFrom(index: ObjectIndex, pools: CalicoPool[]): CalicoLayer {
  const felix = index.all('FelixConfiguration');
  const defaults = felix.find((f) => f.metadata.name === 'default');
  const perNode = Object.fromEntries(
    felix
      .filter((f) => f.metadata.name.startsWith('node.'))
      .map((f) => [f.metadata.name.slice('node.'.length), settings(f, defaults)]),
  );
  const support = getString(getRecord(defaults, 'spec'), 'egressIPSupport');
  return {
    mechanism: 'calico',
    pools,
    felix: settings(defaults),
    perNode,
    scope: { basis: 'all-nodes' },
    egressIPSupport:
      support === 'EnabledPerNamespace' || support === 'EnabledPerNamespaceOrPerPod' ? support : 'Disabled',
    egressGatewayPolicies: index.all('EgressGatewayPolicy').map(toEgressPolicy),
  };
}

/** calico-enterprise/reference/resources/egressgatewaypolicy.mdx: rules of destination.cidr and gateway. */
function toEgressPolicy(obj: KubeObject): { name: string; rules: CalicoEgressRule[] } {
  const rules = getArray(obj, 'spec', 'rules').map((rule): CalicoEgressRule => {
    const out: CalicoEgressRule = {};
    const cidr = getString(getRecord(rule, 'destination'), 'cidr');
    if (cidr) out.cidr = cidr;
    const gateway = getRecord(rule, 'gateway');
    const selector = getString(gateway, 'selector');
    if (gateway)
      out.gateway = {
        selector: selector ?? 'all()',
        ...(getString(gateway, 'namespaceSelector')
          ? { namespaceSelector: getString(gateway, 'namespaceSelector')! }
          : {}),
      };
    return out;
  });
  return { name: obj.metadata.name, rules };
}

function toPool(obj: KubeObject): CalicoPool {
  const spec = getRecord(obj, 'spec');
  const uses = getArray(spec, 'allowedUses').filter((u): u is string => typeof u === 'string');
  return {
    name: obj.metadata.name,
    cidr: getString(spec, 'cidr') ?? '',
    natOutgoing: spec?.['natOutgoing'] === true,
    disabled: spec?.['disabled'] === true,
    loadBalancerOnly: uses.length > 0 && uses.every((u) => u === 'LoadBalancer'),
  };
}

/** A node's FelixConfiguration overrides the cluster default field by field (standard Felix precedence). */
function settings(obj: KubeObject | undefined, fallback?: KubeObject): CalicoFelixSettings {
  const field = (key: string) => getString(getRecord(obj, 'spec'), key) ?? getString(getRecord(fallback, 'spec'), key);
  const out: CalicoFelixSettings = {
    natOutgoingExclusions: field('natOutgoingExclusions') === 'IPPoolsAndHostIPs' ? 'IPPoolsAndHostIPs' : 'IPPoolsOnly',
  };
  const address = field('natOutgoingAddress');
  if (address) out.natOutgoingAddress = address;
  if (obj) out.source = refOf(obj);
  return out;
}

/** Felix inserts its chain at the top of POSTROUTING; Calico Enterprise's egress gateways come with it. */
export const calicoDetection: Detection = {
  detect: (i) => withGateway(withPoolWarnings(calicoLayer(i.index, i.gaps), i.warnings), i.gaps),
  force: (i) =>
    withGateway(
      withPoolWarnings(calicoLayer(i.index, i.gaps), i.warnings) ?? {
        mechanism: 'calico',
        pools: [],
        felix: { natOutgoingExclusions: 'IPPoolsOnly' },
        perNode: {},
        scope: { basis: 'all-nodes' },
        egressIPSupport: 'Disabled',
        egressGatewayPolicies: [],
      },
      i.gaps,
    ),
  reads: {
    resources: [
      { group: 'crd.projectcalico.org', versions: ['v1'], plural: 'ippools', kind: 'IPPool', namespaced: false },
      {
        group: 'crd.projectcalico.org',
        versions: ['v1'],
        plural: 'felixconfigurations',
        kind: 'FelixConfiguration',
        namespaced: false,
      },
      { group: 'projectcalico.org', versions: ['v3'], plural: 'ippools', kind: 'IPPool', namespaced: false },
      {
        group: 'projectcalico.org',
        versions: ['v3'],
        plural: 'felixconfigurations',
        kind: 'FelixConfiguration',
        namespaced: false,
      },
      {
        group: 'projectcalico.org',
        versions: ['v3'],
        plural: 'egressgatewaypolicies',
        kind: 'EgressGatewayPolicy',
        namespaced: false,
      },
    ],
    namespaces: ['calico-system'],
  },
};

/** Address fields that do not parse (crd.projectcalico.org objects and -f files are not validated): said, and linted. */
function withPoolWarnings(layer: CalicoLayer | undefined, warnings: Finding[]): CalicoLayer | undefined {
  for (const pool of layer?.pools ?? []) {
    if (parseCidr(pool.cidr)) continue;
    warnings.push(
      ...invalidAddressWarnings({ kind: 'IPPool', name: pool.name }, [
        { kind: 'IPPool cidr', field: 'spec.cidr', value: pool.cidr, hides: [4, 6] },
      ]),
    );
  }
  for (const policy of layer?.egressGatewayPolicies ?? []) {
    const invalid = policy.rules.flatMap((r, i) =>
      r.cidr === undefined || parseCidr(r.cidr)
        ? []
        : [
            {
              kind: 'EgressGatewayPolicy cidr',
              field: `spec.rules[${i}].destination.cidr`,
              value: r.cidr,
              hides: [4, 6] as Family[],
            },
          ],
    );
    warnings.push(...invalidAddressWarnings({ kind: 'EgressGatewayPolicy', name: policy.name }, invalid));
  }
  for (const felix of layer ? [layer.felix, ...Object.values(layer.perNode)] : []) {
    const address = felix.natOutgoingAddress;
    if (address === undefined || parseIp(address) || !felix.source) continue;
    warnings.push(
      ...invalidAddressWarnings(felix.source, [
        { kind: 'natOutgoingAddress', field: 'spec.natOutgoingAddress', value: address, hides: [4, 6] },
      ]),
    );
  }
  return layer;
}

function withGateway(layer: CalicoLayer | undefined, gaps: readonly ReadGap[]): Built {
  if (!layer) return NOTHING;
  const { pools, egressIPSupport, egressGatewayPolicies, unreadFelix } = layer;
  const gateway: CalicoEgressGatewayLayer = {
    mechanism: 'calico-egress-gateway',
    pools,
    egressIPSupport,
    egressGatewayPolicies,
  };
  // EgressGatewayPolicy is Calico Enterprise's, served only by its API server (projectcalico.org/v3).
  const unreadPolicies =
    egressGatewayPolicies.length === 0 ? unreadable(gaps, 'egressgatewaypolicies.projectcalico.org') : undefined;
  if (unreadFelix) gateway.unreadFelix = unreadFelix;
  if (unreadPolicies) gateway.unreadPolicies = unreadPolicies;
  const unreadNamespaces = unreadable(gaps, 'namespaces');
  if (unreadNamespaces) gateway.unreadNamespaces = unreadNamespaces;
  return { layers: [layer], gateways: [gateway] };
}
