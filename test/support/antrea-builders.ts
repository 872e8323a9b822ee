/**
 * Builders for Antrea's objects, shaped like build/yamls/antrea.yml and docs/egress.md:
 * `antreaAgent()`, `antreaConfig({ trafficEncapMode: 'noEncap', noSNAT: true })`,
 * `egress('egress-prod').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()`.
 */
import type { KubeObject } from '../../src/model/objects.ts';
import { configMap, daemonSet, type ConfigMapBuilder, type DaemonSetBuilder } from './builders.ts';

/** The Linux agent DaemonSet, with antrea-agent.conf mounted from antrea-config as the manifest does. */
export const antreaAgent = (): DaemonSetBuilder =>
  daemonSet('antrea-agent')
    .image('antrea/antrea-agent-ubuntu:v2.5.0')
    .args('--config=/etc/antrea/antrea-agent.conf', '--logtostderr=false')
    .mount(
      'antrea-config',
      { configMap: { name: 'antrea-config' } },
      '/etc/antrea/antrea-agent.conf',
      'antrea-agent.conf',
    );

/** antrea-config with antrea-agent.conf holding these settings (YAML, as the chart writes it). */
export function antreaConfig(settings: Record<string, unknown> = {}): ConfigMapBuilder {
  const lines = Object.entries(settings).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return configMap('antrea-config').data('antrea-agent.conf', `ovsBridge: "br-int"\n${lines.join('\n')}\n`);
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };

export class EgressBuilder {
  private readonly obj: KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> };

  constructor(name: string, apiVersion = 'crd.antrea.io/v1beta1') {
    this.obj = { apiVersion, kind: 'Egress', metadata: { name }, spec: { appliedTo: {} }, status: {} };
  }

  private appliedTo(): Record<string, unknown> {
    return this.obj.spec['appliedTo'] as Record<string, unknown>;
  }

  selectPods(selector: Selector): this {
    this.appliedTo()['podSelector'] = selector;
    return this;
  }

  selectNamespaces(selector: Selector): this {
    this.appliedTo()['namespaceSelector'] = selector;
    return this;
  }

  /** Every pod of one namespace, by its kubernetes.io/metadata.name label (docs/egress.md's examples). */
  selectNamespace(name: string): this {
    return this.selectNamespaces({ matchLabels: { 'kubernetes.io/metadata.name': name } });
  }

  group(name: string): this {
    this.obj.spec['appliedTo'] = { group: name };
    return this;
  }

  ip(egressIP: string): this {
    this.obj.spec['egressIP'] = egressIP;
    return this;
  }

  pool(name: string): this {
    this.obj.spec['externalIPPool'] = name;
    return this;
  }

  set(field: string, value: unknown): this {
    this.obj.spec[field] = value;
    return this;
  }

  /** The status the agent holding the IP writes. */
  heldBy(node: string, egressIP = String(this.obj.spec['egressIP'])): this {
    Object.assign(this.obj.status, { egressNode: node, egressIP });
    return this;
  }

  build(): KubeObject {
    return structuredClone(this.obj);
  }
}

export const egress = (name: string, apiVersion?: string) => new EgressBuilder(name, apiVersion);

export function externalIPPool(
  name: string,
  ipRanges: Record<string, string>[],
  nodeSelector: Selector = {},
): KubeObject {
  return {
    apiVersion: 'crd.antrea.io/v1beta1',
    kind: 'ExternalIPPool',
    metadata: { name },
    spec: { ipRanges, nodeSelector },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  };
}
