/**
 * Everything Cilium contributes: its settings, nodes, egress gateway policies and endpoint UIDs,
 * and its masquerading layer.
 */
import type { AgentConfig, CiliumDatapath, CiliumUnread } from '../model/datapath.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { CiliumMasqueradeLayer } from '../model/layers/cilium.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../model/snapshot.ts';
import { CILIUM_CONFIG_MAP, findCilium, parseCiliumConfig } from './cilium.ts';
import { parseEgressPolicy } from './cilium-egress-policy.ts';
import { ciliumIpMasqConfig } from './cilium-ip-masq.ts';
import { ciliumNodes } from './cilium-nodes.ts';
import { invalidAddressWarnings } from './addresses.ts';
import { agentScope, containers, directoryMounted, fileSource, imageName } from './daemonset.ts';
import { getArray, getRecord, getString, isRecord, refOf, stringMap, type Json, type ObjectIndex } from './objects.ts';
import { isGkeAnetd } from './cilium.ts';
import { NOTHING, type Built, type Detection } from './detection.ts';
import { configMapUnread, unreadable } from './gaps.ts';
import { versionGap } from './api-versions.ts';
import { compareText } from './text-order.ts';

export interface CiliumDetection {
  datapath: CiliumDatapath;
  layer: CiliumMasqueradeLayer;
}

export function detectCilium(
  index: ObjectIndex,
  nodes: readonly NodeInfo[],
  pods: readonly PodInfo[],
  warnings: Finding[],
  gaps: readonly ReadGap[] = [],
): CiliumDetection | undefined {
  const found = findCilium(index);
  return found && ciliumFrom(found, { index, nodes, pods, warnings, gaps });
}

/** --datapath cilium without a visible agent: cilium-config from kube-system if readable, else the agent's defaults. */
export function forceCilium(
  index: ObjectIndex,
  nodes: readonly NodeInfo[],
  pods: readonly PodInfo[],
  warnings: Finding[],
  gaps: readonly ReadGap[] = [],
): CiliumDetection {
  return ciliumFrom(findCilium(index) ?? { namespace: 'kube-system' }, { index, nodes, pods, warnings, gaps });
}

interface CiliumInputs {
  index: ObjectIndex;
  nodes: readonly NodeInfo[];
  pods: readonly PodInfo[];
  warnings: Finding[];
  gaps: readonly ReadGap[];
}

const CRD = {
  policies: 'ciliumegressgatewaypolicies.cilium.io',
  nodes: 'ciliumnodes.cilium.io',
  endpoints: 'ciliumendpoints.cilium.io',
} as const;
const KIND = {
  policies: ['CiliumEgressGatewayPolicy', 'ciliumegressgatewaypolicies'],
  nodes: ['CiliumNode', 'ciliumnodes'],
  endpoints: ['CiliumEndpoint', 'ciliumendpoints'],
} as const;

/**
 * What of Cilium's inputs could not be read. cilium-config counts only when it is not among the
 * objects (a ConfigMap list refused in its namespace); a CRD counts when its list was refused or is
 * served only at a version the tool does not know, or one of its objects is of such a version (a
 * -f file: config/api-versions.ts `versionGap`). A CRD that is not served at all is no gap: then
 * no such object exists (no policies, endpoints or CiliumNodes), which is an answer.
 */
function unreadInputs(
  cm: KubeObject | undefined,
  namespace: string,
  gaps: readonly ReadGap[],
  index: ObjectIndex,
): CiliumUnread | undefined {
  const unread: CiliumUnread = {};
  const config = cm ? undefined : unreadable(gaps, 'configmaps', namespace);
  if (config) unread.config = { ...config, namespace };
  for (const key of ['policies', 'nodes', 'endpoints'] as const) {
    const gap = unreadable(gaps, CRD[key]) ?? versionGap(index, KIND[key][0], KIND[key][1]);
    if (gap) unread[key] = gap;
  }
  return Object.keys(unread).length > 0 ? unread : undefined;
}

function ciliumFrom(
  found: { daemonSet?: KubeObject; namespace: string },
  { index, nodes, pods, warnings, gaps }: CiliumInputs,
): CiliumDetection {
  const { daemonSet, namespace } = found;
  const cm = index.get('ConfigMap', namespace, CILIUM_CONFIG_MAP);
  const config = parseCiliumConfig(cm, namespace);
  const unread = unreadInputs(cm, namespace, gaps, index);
  const scope = daemonSet ? agentScope(daemonSet, pods) : { basis: 'all-nodes' as const };
  const layer: CiliumMasqueradeLayer = {
    mechanism: 'cilium',
    mode: config.enableBPFMasquerade ? 'bpf' : 'iptables',
    scope,
  };
  if (daemonSet) layer.daemonSet = refOf(daemonSet);
  if (daemonSet && isGkeAnetd(daemonSet)) layer.gkeDataplaneV2 = true;
  if (unread?.config) layer.configUnread = true;
  if (config.enableIPMasqAgent) {
    layer.ipMasqAgent = ipMasqAgentMap(daemonSet, config.ipMasqAgentConfigPath, namespace, index, gaps);
    // The agent watches the file's directory; without it the ip-masq-agent cell fails to start,
    // and with it the whole agent (pkg/ipmasq/ipmasq.go `watcher.Add(configDir)`; cell.go OnStart).
    const map = layer.ipMasqAgent;
    if (
      map.status === 'invalid' &&
      (map.because === 'AGENT_CONFIG_DIR_NOT_MOUNTED' || map.because === 'AGENT_CONFIGMAP_REQUIRED_MISSING')
    ) {
      config.agentRefuses ??=
        map.because === 'AGENT_CONFIG_DIR_NOT_MOUNTED'
          ? map.detail
          : `its pod cannot start: ${map.detail}, and the ip-masq-agent volume is not optional`;
    }
  }
  const datapath: CiliumDatapath = {
    namespace,
    config,
    nodes: ciliumNodes(index, nodes),
    egressPolicies: index
      .all('CiliumEgressGatewayPolicy')
      .map(parseEgressPolicy)
      .sort((a, b) => compareText(a.name, b.name)),
    endpointUIDs: Object.fromEntries(
      index
        .all('CiliumEndpoint')
        .flatMap((cep) =>
          cep.metadata.uid ? [[`${cep.metadata.namespace}/${cep.metadata.name}`, cep.metadata.uid]] : [],
        ),
    ),
  };
  if (unread) datapath.unread = unread;
  warnings.push(...ciliumInputWarnings(datapath));
  return { datapath, layer };
}

/**
 * CiliumNode addresses that are not addresses (the Node's own are warned about with the Node), and
 * policies the agent rejects: each has no effect, which the person who wrote it does not expect.
 */
function ciliumInputWarnings(datapath: CiliumDatapath): Finding[] {
  const nodes = datapath.nodes
    .filter((n) => n.source.kind === 'CiliumNode')
    .flatMap((n) =>
      invalidAddressWarnings(
        n.source,
        n.invalidAddresses?.filter((a) => /^spec\.(addresses|ipam)/.test(a.field)),
      ),
    );
  const policies = datapath.egressPolicies.flatMap((p): Finding[] =>
    p.invalid
      ? [
          {
            code: 'CILIUM_EGW_POLICY_INVALID',
            data: { policy: p.name, detail: p.invalid },
            source: { kind: 'CiliumEgressGatewayPolicy', name: p.name },
          },
        ]
      : [],
  );
  return [...nodes, ...policies];
}

/**
 * The file the agent's container sees at `ip-masq-agent-config-path` (default /etc/config/ip-masq-agent;
 * Helm: ConfigMap ip-masq-agent, key config, optional). A missing file or ConfigMap gives the
 * defaults; a missing directory stops the agent.
 */
function ipMasqAgentMap(
  daemonSet: KubeObject | undefined,
  path: string,
  namespace: string,
  index: ObjectIndex,
  gaps: readonly ReadGap[],
): AgentConfig {
  const agent = daemonSet && (containers(daemonSet).find((c) => imageName(c) === 'cilium') ?? containers(daemonSet)[0]);
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  if (daemonSet && agent && !directoryMounted(daemonSet, agent, dir)) {
    return {
      status: 'invalid',
      because: 'AGENT_CONFIG_DIR_NOT_MOUNTED',
      source: refOf(daemonSet),
      detail: `enable-ip-masq-agent is on but nothing is mounted at ${dir} in DaemonSet ${daemonSet.metadata.name}, so the ip-masq-agent's directory watcher cannot start`,
    };
  }
  // A volume mounted at (or below) the file's own path makes it a directory: ReadFile fails, `Update`
  // returns the error, and the map keeps whatever it held (Start only logs "Failed to update").
  if (daemonSet && agent && mountsMakeDirectory(agent, path)) {
    return {
      status: 'invalid',
      because: 'AGENT_CONFIG_INVALID',
      source: refOf(daemonSet),
      detail: `${path} is a directory in DaemonSet ${daemonSet.metadata.name} (a volume is mounted there), which the agent cannot read as its config file`,
    };
  }
  const source =
    daemonSet && agent
      ? fileSource(daemonSet, agent, path)
      : { kind: 'configmap' as const, configMap: 'ip-masq-agent', key: 'config', optional: true, keyListed: true };
  if (source.kind === 'not-mounted')
    return ciliumIpMasqConfig(undefined, refOf(daemonSet!), 'AGENT_DEFAULTS_NO_CONFIG_VOLUME');
  const ref = { kind: 'ConfigMap', namespace, name: source.configMap, key: source.key };
  const cm = index.get('ConfigMap', namespace, source.configMap);
  const unread = cm ? undefined : configMapUnread(gaps, namespace);
  if (unread) return { status: 'invalid', ...unread, source: ref };
  // kubelet does not start a pod whose non-optional ConfigMap is missing.
  if (!cm && !source.optional)
    return {
      status: 'invalid',
      because: 'AGENT_CONFIGMAP_REQUIRED_MISSING',
      detail: `ConfigMap ${source.configMap} not found`,
      source: ref,
    };
  if (!cm) return ciliumIpMasqConfig(undefined, ref, 'AGENT_DEFAULTS_CONFIGMAP_MISSING');
  const data = stringMap(getRecord(cm, 'data'));
  const text = data[source.key];
  const config = ciliumIpMasqConfig(
    text,
    ref,
    text === undefined ? 'AGENT_DEFAULTS_KEY_MISSING' : 'AGENT_DEFAULTS_EMPTY_FILE',
  );
  // A config under another key (e.g. `config.yaml`, cilium/cilium#35501) is never seen: lint says so.
  const keys = Object.keys(data).sort();
  if (text === undefined && keys.length > 0 && config.status === 'valid' && config.origin === 'defaults')
    config.otherKeys = keys;
  return config;
}

/** A volume mounted at `path` itself (not a subPath file) or below it. */
function mountsMakeDirectory(container: Json, path: string): boolean {
  return getArray(container, 'volumeMounts')
    .filter(isRecord)
    .some((m) => {
      const mountPath = (getString(m, 'mountPath') ?? '').replace(/\/+$/, '');
      return (mountPath === path && !getString(m, 'subPath')) || mountPath.startsWith(`${path}/`);
    });
}

/** Cilium's BPF masquerading runs at tc egress, after netfilter; its egress gateway policies come with it. */
export const ciliumDetection: Detection = {
  detect: (i) => {
    const found = detectCilium(i.index, i.nodes, i.pods, i.warnings, i.gaps);
    return found ? built(found) : NOTHING;
  },
  force: (i) => built(forceCilium(i.index, i.nodes, i.pods, i.warnings, i.gaps)),
  reads: {
    resources: [
      {
        group: 'cilium.io',
        versions: ['v2', 'v2alpha1'],
        plural: 'ciliumegressgatewaypolicies',
        kind: 'CiliumEgressGatewayPolicy',
        namespaced: false,
      },
      { group: 'cilium.io', versions: ['v2'], plural: 'ciliumnodes', kind: 'CiliumNode', namespaced: false },
      // Multi-gateway policies pick a gateway by hashing the endpoint's UID.
      { group: 'cilium.io', versions: ['v2'], plural: 'ciliumendpoints', kind: 'CiliumEndpoint', namespaced: true },
    ],
    namespaces: ['cilium'],
  },
};

function built({ layer, datapath }: CiliumDetection): Built {
  // Unread policies matter wherever the gateway is (or may be) on: the gateway layer then answers unknown.
  const { unread, config } = datapath;
  const policiesMayApply =
    datapath.egressPolicies.length > 0 ||
    (unread?.policies !== undefined && (unread.config !== undefined || config.enableEgressGateway));
  const gateways = policiesMayApply ? [{ mechanism: 'cilium-egress-gateway' as const, cilium: datapath }] : [];
  return { layers: [layer], gateways, cilium: datapath };
}
