/**
 * Builders for raw Kubernetes objects, so tests read like the cluster they describe:
 * `node('n1').internalIP('10.128.0.5').gce()`, `pod('web-1').on('n1').ip('10.4.1.7')`.
 */
import type { KubeObject } from '../../src/model/objects.ts';

type Json = Record<string, unknown>;

abstract class Builder {
  protected abstract obj: KubeObject;

  build(): KubeObject {
    return structuredClone(this.obj);
  }

  label(key: string, value: string): this {
    this.obj.metadata.labels = { ...this.obj.metadata.labels, [key]: value };
    return this;
  }

  protected spec(): Json {
    return (this.obj['spec'] ??= {}) as Json;
  }

  protected status(): Json {
    return (this.obj['status'] ??= {}) as Json;
  }
}

export class NodeBuilder extends Builder {
  protected obj: KubeObject;

  constructor(name: string) {
    super();
    this.obj = { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { addresses: [] } };
  }

  private address(type: string, address: string): this {
    (this.status()['addresses'] as Json[]).push({ type, address });
    return this;
  }

  internalIP(address: string): this {
    return this.address('InternalIP', address);
  }

  externalIP(address: string): this {
    return this.address('ExternalIP', address);
  }

  podCIDR(...cidrs: string[]): this {
    Object.assign(this.spec(), { podCIDR: cidrs[0], podCIDRs: cidrs });
    return this;
  }

  kubelet(version: string): this {
    this.status()['nodeInfo'] = { kubeletVersion: version };
    return this;
  }

  providerID(id: string): this {
    this.spec()['providerID'] = id;
    return this;
  }

  gce(): this {
    return this.providerID(`gce://project/zone-a/${this.obj.metadata.name}`);
  }

  aws(): this {
    return this.providerID(`aws:///eu-west-1a/i-0${this.obj.metadata.name}`);
  }
}

export class PodBuilder extends Builder {
  protected obj: KubeObject;

  constructor(name: string, namespace = 'default') {
    super();
    this.obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: {}, status: { phase: 'Running' } };
  }

  on(nodeName: string): this {
    this.spec()['nodeName'] = nodeName;
    return this;
  }

  ip(...ips: string[]): this {
    Object.assign(this.status(), { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) });
    return this;
  }

  hostNetwork(): this {
    this.spec()['hostNetwork'] = true;
    return this;
  }

  serviceAccount(name: string): this {
    this.spec()['serviceAccountName'] = name;
    return this;
  }

  annotate(key: string, value: string): this {
    this.obj.metadata.annotations = { ...this.obj.metadata.annotations, [key]: value };
    return this;
  }

  phase(phase: string): this {
    this.status()['phase'] = phase;
    return this;
  }

  ownedBy(kind: string, name: string): this {
    this.obj.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind, name, controller: true }];
    return this;
  }
}

export class DaemonSetBuilder extends Builder {
  protected obj: KubeObject;

  constructor(name: string, namespace = 'kube-system') {
    super();
    this.obj = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace },
      spec: {
        template: {
          spec: {
            hostNetwork: true,
            containers: [{ name, image: `registry.k8s.io/networking/${name}:v2.12.6` }],
            volumes: [],
          },
        },
      },
    };
  }

  private podSpec(): Json {
    return (this.spec()['template'] as Json)['spec'] as Json;
  }

  private container(): Json {
    return (this.podSpec()['containers'] as Json[])[0]!;
  }

  image(image: string): this {
    this.container()['image'] = image;
    return this;
  }

  args(...args: string[]): this {
    this.container()['args'] = args;
    return this;
  }

  env(vars: Record<string, string>): this {
    this.container()['env'] = Object.entries(vars).map(([name, value]) => ({ name, value }));
    return this;
  }

  /** Adds an env entry read from a ConfigMap key (valueFrom), whose value the DaemonSet does not show. */
  envFromConfigMap(name: string, configMap: string, key: string): this {
    const env = (this.container()['env'] ??= []) as Json[];
    env.push({ name, valueFrom: { configMapKeyRef: { name: configMap, key } } });
    return this;
  }

  nodeSelector(selector: Record<string, string>): this {
    this.podSpec()['nodeSelector'] = selector;
    return this;
  }

  /** Mounts `configMap` at `mountPath`, as the reference manifest does (items key → path). */
  configMapVolume(
    configMap: string,
    mountPath: string,
    options: { items?: { key: string; path: string }[]; optional?: boolean } = {},
  ): this {
    const volume: Json = { name: 'config', configMap: { name: configMap, ...options } };
    (this.podSpec()['volumes'] as Json[]).push(volume);
    this.container()['volumeMounts'] = [{ name: 'config', mountPath }];
    return this;
  }

  /** Adds a volume (any source: `{ configMap: … }`, `{ projected: … }`, `{ emptyDir: {} }`) and mounts it, beside any others. */
  mount(name: string, source: Json, mountPath: string, subPath?: string): this {
    (this.podSpec()['volumes'] as Json[]).push({ name, ...source });
    const mounts = (this.container()['volumeMounts'] ??= []) as Json[];
    mounts.push({ name, mountPath, ...(subPath ? { subPath } : {}) });
    return this;
  }
}

export class ConfigMapBuilder extends Builder {
  protected obj: KubeObject;

  constructor(name: string, namespace = 'kube-system') {
    super();
    this.obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: {} };
  }

  data(key: string, value: string): this {
    (this.obj['data'] as Json)[key] = value;
    return this;
  }
}

/** A ServiceCIDR (networking.k8s.io/v1): the ranges Services' virtual IPs come from. */
export class ServiceCIDRBuilder extends Builder {
  protected obj: KubeObject;

  constructor(name: string, cidrs: string[]) {
    super();
    this.obj = { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name }, spec: { cidrs } };
  }
}

export const node = (name: string) => new NodeBuilder(name);
export const serviceCIDR = (name: string, ...cidrs: string[]) => new ServiceCIDRBuilder(name, cidrs);
export const pod = (name: string, namespace?: string) => new PodBuilder(name, namespace);
export const daemonSet = (name: string, namespace?: string) => new DaemonSetBuilder(name, namespace);
export const configMap = (name: string, namespace?: string) => new ConfigMapBuilder(name, namespace);

/** The upstream reference DaemonSet (kubernetes-sigs/ip-masq-agent ip-masq-agent.yaml), with extra args. */
export function ipMasqAgent(...args: string[]): DaemonSetBuilder {
  return daemonSet('ip-masq-agent')
    .args(...args)
    .configMapVolume('ip-masq-agent', '/etc/config', {
      items: [{ key: 'config', path: 'ip-masq-agent' }],
      optional: true,
    });
}

/** The ConfigMap the reference DaemonSet reads, with `config` as given. */
export function ipMasqConfig(config: string): ConfigMapBuilder {
  return configMap('ip-masq-agent').data('config', config);
}

export function build(...builders: Builder[]): KubeObject[] {
  return builders.map((b) => b.build());
}
