/**
 * Antrea: the antrea-agent DaemonSet and antrea-agent.conf (ConfigMap antrea-config), read with the
 * agent's own defaults and validation (antrea-io/antrea build/charts/antrea/conf/antrea-agent.conf,
 * cmd/antrea-agent/options.go `validate`, pkg/config/agent/config.go; reference manifest
 * build/yamls/antrea.yml).
 */
import type { AntreaAgentConfig, AntreaEncapMode, AntreaLayer } from '../model/layers/antrea.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject, ObjectRef } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { PodInfo } from '../model/snapshot.ts';
import { parseCidr } from '../net/ip.ts';
import { agentScope, argvOf, containers, fileSource, imageName } from './daemonset.ts';
import { decodeGoYaml } from './go-yaml.ts';
import { configMapUnread } from './gaps.ts';
import { getArray, getRecord, isRecord, refOf, stringMap, type ObjectIndex } from './objects.ts';

export const ANTREA_CONFIG_MAP = 'antrea-config';
const CONFIG_KEY = 'antrea-agent.conf';
/** The path the reference manifest passes with --config and mounts with subPath. */
const CONFIG_PATH = '/etc/antrea/antrea-agent.conf';
const MODES: readonly AntreaEncapMode[] = ['encap', 'noEncap', 'hybrid', 'networkPolicyOnly'];

/**
 * The Linux agent: DaemonSet antrea-agent, or a container image antrea-agent-ubuntu / -ubi (and
 * the older antrea-ubuntu). The Windows DaemonSet (antrea-agent-windows) runs no Egress.
 */
export function isAntreaAgentDaemonSet(ds: KubeObject): boolean {
  if (ds.metadata.name.endsWith('-windows')) return false;
  return (
    ds.metadata.name === 'antrea-agent' ||
    containers(ds).some((c) => /^antrea(-agent)?-(ubuntu|ubi)$/.test(imageName(c)))
  );
}

/** The Windows agent DaemonSet of build/yamls/antrea-windows*.yml. */
export function isAntreaWindowsDaemonSet(ds: KubeObject): boolean {
  return ds.metadata.name === 'antrea-agent-windows' || containers(ds).some((c) => imageName(c) === 'antrea-windows');
}

export interface AntreaFound {
  daemonSet?: KubeObject;
  windows?: KubeObject;
  config: AntreaAgentConfig;
  unreadConfig?: ReadGap;
}

/** The agent and its config as it reads them; undefined when no agent is among the objects. */
export function findAntrea(index: ObjectIndex, gaps: readonly ReadGap[]): AntreaFound | undefined {
  const daemonSet = index.where('DaemonSet', isAntreaAgentDaemonSet)[0];
  return daemonSet ? antreaFrom(index, gaps, daemonSet) : undefined;
}

/** --datapath antrea: the agent's config from kube-system/antrea-config where readable. */
export function forceAntrea(index: ObjectIndex, gaps: readonly ReadGap[]): AntreaFound {
  return antreaFrom(index, gaps, index.where('DaemonSet', isAntreaAgentDaemonSet)[0]);
}

function antreaFrom(index: ObjectIndex, gaps: readonly ReadGap[], daemonSet: KubeObject | undefined): AntreaFound {
  const namespace = daemonSet?.metadata.namespace ?? 'kube-system';
  const { configMap, key } = configLocation(daemonSet);
  const source: ObjectRef = { kind: 'ConfigMap', namespace, name: configMap, key };
  const cm = index.get('ConfigMap', namespace, configMap);
  const text = stringMap(cm?.['data'])[key];
  const found: AntreaFound = { config: parseAgentConfig(text, source) };
  if (daemonSet) found.daemonSet = daemonSet;
  const windows = index.where('DaemonSet', isAntreaWindowsDaemonSet)[0];
  if (windows) found.windows = windows;
  const unread = cm ? undefined : configMapUnread(gaps, namespace);
  if (unread) found.unreadConfig = { resource: 'configmaps', namespace, reason: 'forbidden' };
  return found;
}

/** The ConfigMap key kubelet projects at the file the agent's --config names. */
function configLocation(ds: KubeObject | undefined): { configMap: string; key: string } {
  const container = ds && (containers(ds).find((c) => c['name'] === 'antrea-agent') ?? containers(ds)[0]);
  if (!ds || !container) return { configMap: ANTREA_CONFIG_MAP, key: CONFIG_KEY };
  const flag = argvOf(container).find((a) => a.startsWith('--config='));
  const source = fileSource(ds, container, flag ? flag.slice('--config='.length) : CONFIG_PATH);
  return source.kind === 'configmap'
    ? { configMap: source.configMap, key: source.key }
    : { configMap: ANTREA_CONFIG_MAP, key: CONFIG_KEY };
}

/** antrea-agent.conf as the agent decodes it (yaml.UnmarshalLenient: unknown keys ignored) and validates it. */
export function parseAgentConfig(text: string | undefined, source: ObjectRef): AntreaAgentConfig {
  const config: AntreaAgentConfig = {
    trafficEncapMode: 'encap',
    noSNAT: false,
    egressEnabled: true,
    multicast: false,
    exceptCIDRs: [],
    source,
  };
  if (text === undefined) return { ...config, notFound: true };
  const decoded = decodeGoYaml(text);
  if (!decoded.ok) return { ...config, agentRefuses: decoded.detail };
  const value = isRecord(decoded.value) ? decoded.value : {};
  const problem = readInto(config, value);
  return problem ? { ...config, agentRefuses: problem } : config;
}

/** The values the agent reads, or why it exits (options.go `validate`). */
function readInto(config: AntreaAgentConfig, value: Record<string, unknown>): string | undefined {
  const mode = value['trafficEncapMode'];
  if (mode !== undefined && mode !== null && mode !== '') {
    const known = MODES.find((m) => typeof mode === 'string' && m.toLowerCase() === mode.toLowerCase());
    if (!known) return `TrafficEncapMode ${String(mode)} is unknown`;
    config.trafficEncapMode = known;
  }
  const noSNAT = value['noSNAT'];
  if (noSNAT !== undefined && noSNAT !== null && typeof noSNAT !== 'boolean')
    return `noSNAT is not a boolean: ${JSON.stringify(noSNAT)}`;
  config.noSNAT = noSNAT === true;
  if (config.noSNAT && (config.trafficEncapMode === 'encap' || config.trafficEncapMode === 'hybrid'))
    return 'noSNAT is only applicable to the noEncap mode';
  // "In the NetworkPolicyOnly mode, Antrea will not perform SNAT (but SNAT can be done by the primary CNI)."
  if (config.trafficEncapMode === 'networkPolicyOnly') config.noSNAT = true;
  const gates = getRecord(value, 'featureGates');
  if (typeof gates?.['Egress'] === 'boolean') config.egressEnabled = gates['Egress'];
  // cmd/antrea-agent/agent.go: the Multicast gate (default on) and multicast.enable (default off).
  config.multicast = gates?.['Multicast'] !== false && getRecord(value, 'multicast')?.['enable'] === true;
  const except = getArray(value, 'egress', 'exceptCIDRs').map(String);
  const bad = except.find((c) => !parseCidr(c));
  if (bad) return `Egress Except CIDR ${bad} is invalid`;
  config.exceptCIDRs = except;
  return undefined;
}

/**
 * The masquerading layers: the Linux agent's, and the Windows agent's where it runs; none in
 * networkPolicyOnly mode, where the primary CNI does the SNAT.
 */
export function antreaLayers(found: AntreaFound, pods: readonly PodInfo[], warnings: Finding[]): AntreaLayer[] {
  const { daemonSet, windows, config, unreadConfig } = found;
  if (config.trafficEncapMode === 'networkPolicyOnly' && !config.agentRefuses && !unreadConfig) {
    warnings.push({ code: 'ANTREA_NETWORK_POLICY_ONLY', data: {}, source: config.source });
    return [];
  }
  const layerOf = (ds: KubeObject | undefined): AntreaLayer => {
    const layer: AntreaLayer = {
      mechanism: 'antrea',
      config,
      scope: ds ? agentScope(ds, pods) : { basis: 'all-nodes' },
    };
    if (ds) layer.daemonSet = refOf(ds);
    if (unreadConfig) layer.unreadConfig = unreadConfig;
    return layer;
  };
  return [layerOf(daemonSet), ...(windows ? [{ ...layerOf(windows), windows: true as const }] : [])];
}
