/**
 * The upstream ip-masq-agent (kubernetes-sigs/ip-masq-agent, also GKE's addon): recognises its
 * DaemonSet and turns DaemonSet + ConfigMap into the layer the engine evaluates.
 * Facts: reference/snat-mechanisms.md §1 and §2.2.
 */
import type { AgentConfig } from '../model/datapath.ts';
import type { IpMasqAgentLayer } from '../model/layers/ip-masq-agent.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { PodInfo } from '../model/snapshot.ts';
import {
  agentScope,
  argvOf,
  containers,
  fileSource,
  goBool,
  imageName,
  KLOG_VALUE_FLAGS,
  parseGoFlags,
  type FileSource,
} from './daemonset.ts';
import { agentDefaults, parseAgentFile, type AgentFlags } from './ip-masq-agent-file.ts';
import { configMapUnread } from './gaps.ts';
import { getRecord, refOf, stringMap, type ObjectIndex } from './objects.ts';
import { daemonSets, orReference, referenceDaemonSet, type Detection } from './detection.ts';
import { GKE_MASQ_CHAIN } from './gke.ts';

/** The agent's hard-coded `configPath` constant; the reference DaemonSet maps key `config` there. */
const CONFIG_PATH = '/etc/config/ip-masq-agent';
const DEFAULT_CHAIN = 'IP-MASQ-AGENT';
const VALUE_FLAGS = new Set(['masq-chain', 'to-ports', ...KLOG_VALUE_FLAGS]);
const AGENT_IMAGE = 'ip-masq-agent';

/** The upstream agent, not Azure's ip-masq-agent-v2 (a different image with other semantics). */
export function isIpMasqAgentDaemonSet(ds: KubeObject): boolean {
  if (ds.metadata.namespace !== 'kube-system') return false;
  return ds.metadata.name === 'ip-masq-agent' || containers(ds).some((c) => imageName(c) === AGENT_IMAGE);
}

export interface AgentInputs {
  index: ObjectIndex;
  pods: readonly PodInfo[];
  gaps: readonly ReadGap[];
}

export function ipMasqAgentLayer(ds: KubeObject, inputs: AgentInputs, warnings: Finding[]): IpMasqAgentLayer {
  const all = containers(ds);
  const container = all.find((c) => imageName(c) === AGENT_IMAGE) ?? all[0] ?? {};
  const flags = parseGoFlags(argvOf(container), VALUE_FLAGS);
  const agentFlags: AgentFlags = {
    nomasqAllReservedRanges: goBool(flags.get('nomasq-all-reserved-ranges')) ?? false,
    enableIPv6: goBool(flags.get('enable-ipv6')) ?? false,
  };
  const scope = agentScope(ds, inputs.pods);
  return {
    mechanism: 'ip-masq-agent',
    daemonSet: refOf(ds),
    chain: flags.get('masq-chain') || DEFAULT_CHAIN,
    ...agentFlags,
    config: agentConfig(ds, fileSource(ds, container, CONFIG_PATH), agentFlags, inputs, warnings),
    scope,
  };
}

function agentConfig(
  ds: KubeObject,
  source: FileSource,
  flags: AgentFlags,
  { index, gaps }: AgentInputs,
  warnings: Finding[],
): AgentConfig {
  const defaults = agentDefaults(flags.nomasqAllReservedRanges);
  if (source.kind === 'not-mounted') {
    return {
      status: 'valid',
      origin: 'defaults',
      because: 'AGENT_DEFAULTS_NO_CONFIG_VOLUME',
      rules: defaults,
      source: refOf(ds),
    };
  }
  const namespace = ds.metadata.namespace;
  const cm = index.get('ConfigMap', namespace, source.configMap);
  const cmRef = { kind: 'ConfigMap', namespace, name: source.configMap, key: source.key };
  const unread = cm ? undefined : configMapUnread(gaps, namespace);
  if (unread) return { status: 'invalid', ...unread, source: cmRef };
  // kubelet refuses to start a pod whose non-optional ConfigMap (or listed key) is missing, so the
  // agent is not running and whatever rules it wrote before are unknown.
  const required = !source.optional;
  if (!cm) {
    return required
      ? {
          status: 'invalid',
          because: 'AGENT_CONFIGMAP_REQUIRED_MISSING',
          detail: `ConfigMap ${source.configMap} not found`,
          source: cmRef,
        }
      : {
          status: 'valid',
          origin: 'defaults',
          because: 'AGENT_DEFAULTS_CONFIGMAP_MISSING',
          rules: defaults,
          source: cmRef,
        };
  }
  const text = configMapValue(cm, source.key);
  if (text === undefined) {
    const keys = Object.keys({ ...stringMap(cm['data']), ...stringMap(cm['binaryData']) }).sort();
    const otherKeys = keys.length > 0 ? { otherKeys: keys } : {};
    if (required && source.keyListed) {
      return {
        status: 'invalid',
        because: 'AGENT_CONFIGMAP_REQUIRED_MISSING',
        detail: `key ${source.key} not found`,
        source: cmRef,
        ...otherKeys,
      };
    }
    if (keys.length > 0) {
      warnings.push({
        code: 'AGENT_CONFIGMAP_KEY_IGNORED',
        data: { expectedKey: source.key, keys: keys.join(', ') },
        source: cmRef,
      });
    }
    return {
      status: 'valid',
      origin: 'defaults',
      because: 'AGENT_DEFAULTS_KEY_MISSING',
      rules: defaults,
      source: cmRef,
      ...otherKeys,
    };
  }
  return fromFile(text, flags, cmRef, warnings);
}

function fromFile(text: string, flags: AgentFlags, source: AgentConfig['source'], warnings: Finding[]): AgentConfig {
  const parsed = parseAgentFile(text, flags);
  if (!parsed.ok)
    return {
      status: 'invalid',
      because: 'AGENT_CONFIG_INVALID',
      detail: parsed.detail,
      source,
      ...(parsed.issue ? { issue: parsed.issue } : {}),
    };
  if (parsed.empty)
    return { status: 'valid', origin: 'defaults', because: 'AGENT_DEFAULTS_EMPTY_FILE', rules: parsed.rules, source };
  if (parsed.ignoredKeys.length > 0) {
    warnings.push({ code: 'AGENT_CONFIG_KEYS_IGNORED', data: { keys: parsed.ignoredKeys.join(', ') }, source });
  }
  for (const { written, installed } of parsed.rewritten)
    warnings.push({ code: 'AGENT_CIDR_PREFIX_OCTAL', data: { written, installed }, source });
  const extra = {
    ...(parsed.resyncInterval === undefined ? {} : { resyncInterval: parsed.resyncInterval }),
    ...(parsed.rewritten.length > 0 ? { rewritten: parsed.rewritten } : {}),
  };
  return { status: 'valid', origin: 'file', rules: parsed.rules, ignoredKeys: parsed.ignoredKeys, source, ...extra };
}

function configMapValue(cm: KubeObject, key: string): string | undefined {
  const text = stringMap(getRecord(cm, 'data'))[key];
  if (text !== undefined) return text;
  const binary = stringMap(getRecord(cm, 'binaryData'))[key];
  return binary === undefined
    ? undefined
    : new TextDecoder().decode(Uint8Array.from(atob(binary), (c) => c.charCodeAt(0)));
}

const upstreamAgent = () =>
  referenceDaemonSet(
    'ip-masq-agent',
    'kube-system',
    'registry.k8s.io/networking/ip-masq-agent:v2.12.6',
    [],
    [
      {
        name: 'config',
        configMap: { name: 'ip-masq-agent', optional: true, items: [{ key: 'config', path: 'ip-masq-agent' }] },
      },
    ],
  );

export const ipMasqAgentDetection: Detection = {
  detect: (i, earlier) => {
    const policyGoverned = earlier.some((l) => l.mechanism === 'gke-egress-nat-policy');
    const layers = daemonSets(i, isIpMasqAgentDaemonSet).map((ds) => ipMasqAgentLayer(ds, i, i.warnings));
    // GKE's own agent (chain IP-MASQ) follows EgressNATPolicy where that API is used.
    return { layers: policyGoverned ? layers.filter((l) => l.chain !== GKE_MASQ_CHAIN) : layers };
  },
  force: (i) => ({
    layers: orReference(daemonSets(i, isIpMasqAgentDaemonSet), upstreamAgent).map((ds) =>
      ipMasqAgentLayer(ds, i, i.warnings),
    ),
  }),
};
