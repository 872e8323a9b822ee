/**
 * From the agent's DaemonSet and ConfigMap to the layer the engine evaluates: which flags, which
 * ConfigMap key reaches /etc/config/ip-masq-agent, and what happens when it does not.
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import type { IpMasqAgentLayer } from '../../../src/model/layers/ip-masq-agent.ts';
import {
  build,
  configMap,
  daemonSet,
  ipMasqAgent,
  ipMasqConfig,
  node,
  type ConfigMapBuilder,
  type DaemonSetBuilder,
} from '../../support/builders.ts';

function agentLayer(ds: DaemonSetBuilder, ...configMaps: ConfigMapBuilder[]) {
  const snapshot = buildSnapshot(build(node('n1').internalIP('10.0.0.5'), ds, ...configMaps));
  const layer = snapshot.datapath.layers.find((l): l is IpMasqAgentLayer => l.mechanism === 'ip-masq-agent');
  if (!layer) throw new Error('no ip-masq-agent layer detected');
  return { layer, warnings: snapshot.warnings.map((w) => w.code) };
}

describe('recognising the upstream agent', () => {
  it('recognises the agent by its image under another DaemonSet name', () => {
    const ds = daemonSet('masq').image('registry.k8s.io/networking/ip-masq-agent:v2.12.6');
    expect(agentLayer(ds).layer.daemonSet.name).toBe('masq');
  });

  it("does not take Azure's ip-masq-agent-v2 for the upstream agent", () => {
    const snapshot = buildSnapshot(
      build(daemonSet('azure-ip-masq-agent').image('mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15')),
    );
    expect(snapshot.datapath.mechanisms).toEqual(['azure-ip-masq-agent']);
  });
});

describe("the agent's flags, parsed like Go's flag package", () => {
  it.each([
    ['the default chain', [], 'IP-MASQ-AGENT', false],
    ['--masq-chain=IP-MASQ', ['--masq-chain=IP-MASQ'], 'IP-MASQ', false],
    [
      '--masq-chain IP-MASQ after boolean logging flags',
      ['--logtostderr', '--v', '2', '--masq-chain', 'IP-MASQ'],
      'IP-MASQ',
      false,
    ],
    ['a single-dash flag', ['-nomasq-all-reserved-ranges'], 'IP-MASQ-AGENT', true],
    ['an explicit false', ['--nomasq-all-reserved-ranges=false'], 'IP-MASQ-AGENT', false],
  ])('reads %s', (_name, args, chain, reserved) => {
    const { layer } = agentLayer(ipMasqAgent(...args));
    expect({ chain: layer.chain, reserved: layer.nomasqAllReservedRanges }).toEqual({ chain, reserved });
  });
});

describe('where the config file comes from', () => {
  it('reads key config through the reference items mapping', () => {
    const { layer } = agentLayer(ipMasqAgent(), ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/8]'));
    expect(layer.config).toMatchObject({
      status: 'valid',
      origin: 'file',
      source: { kind: 'ConfigMap', name: 'ip-masq-agent', key: 'config' },
    });
  });

  it('reads key ip-masq-agent when the volume has no items (each key becomes a file)', () => {
    const ds = daemonSet('ip-masq-agent').configMapVolume('ip-masq-agent', '/etc/config', { optional: true });
    const cm = configMap('ip-masq-agent').data('ip-masq-agent', 'nonMasqueradeCIDRs: []');
    expect(agentLayer(ds, cm).layer.config).toMatchObject({
      status: 'valid',
      origin: 'file',
      rules: { nonMasqueradeCIDRs: [] },
    });
  });

  it('uses the defaults and warns when the ConfigMap holds the config under another key', () => {
    const { layer, warnings } = agentLayer(
      ipMasqAgent(),
      configMap('ip-masq-agent').data('ip-masq-agent.yaml', 'nonMasqueradeCIDRs: []'),
    );
    expect(layer.config).toMatchObject({ status: 'valid', origin: 'defaults', because: 'AGENT_DEFAULTS_KEY_MISSING' });
    expect(warnings).toContain('AGENT_CONFIGMAP_KEY_IGNORED');
  });

  it('uses the defaults when the optional ConfigMap is missing', () => {
    expect(agentLayer(ipMasqAgent()).layer.config).toMatchObject({
      status: 'valid',
      because: 'AGENT_DEFAULTS_CONFIGMAP_MISSING',
    });
  });

  it('cannot know the rules when a required ConfigMap is missing (the pod cannot start)', () => {
    const ds = daemonSet('ip-masq-agent').configMapVolume('ip-masq-agent', '/etc/config', {
      items: [{ key: 'config', path: 'ip-masq-agent' }],
    });
    expect(agentLayer(ds).layer.config).toMatchObject({
      status: 'invalid',
      because: 'AGENT_CONFIGMAP_REQUIRED_MISSING',
    });
  });

  it('uses the defaults when nothing is mounted at /etc/config', () => {
    expect(agentLayer(daemonSet('ip-masq-agent')).layer.config).toMatchObject({
      status: 'valid',
      because: 'AGENT_DEFAULTS_NO_CONFIG_VOLUME',
    });
  });

  it('names unknown config keys in a warning', () => {
    expect(agentLayer(ipMasqAgent(), ipMasqConfig('linkLocal: true')).warnings).toContain('AGENT_CONFIG_KEYS_IGNORED');
  });
});

// kubernetes-sigs/ip-masq-agent `syncMasqRules` and Azure/ip-masq-agent-v2 `syncMasqRules` both write
// the CIDR text as given to iptables-restore, which reads a zero-padded prefix length as octal.
describe('a zero-padded prefix length, installed as iptables reads it', () => {
  it("installs the upstream agent's 10.0.0.0/014 as 10.0.0.0/12, with a warning", () => {
    const { layer, warnings } = agentLayer(ipMasqAgent(), ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/014]'));
    expect(layer.config).toMatchObject({
      status: 'valid',
      rules: { nonMasqueradeCIDRs: ['10.0.0.0/12'] },
      rewritten: [{ written: '10.0.0.0/014', installed: '10.0.0.0/12' }],
    });
    expect(warnings).toContain('AGENT_CIDR_PREFIX_OCTAL');
  });

  it("does the same for Azure's v2 agent", () => {
    const ds = daemonSet('azure-ip-masq-agent')
      .image('mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15')
      .configMapVolume('azure-ip-masq-agent-config', '/etc/config');
    const snapshot = buildSnapshot(
      build(
        node('n1').internalIP('10.0.0.5'),
        ds,
        configMap('azure-ip-masq-agent-config').data('ip-masq-agent', 'nonMasqueradeCIDRs: [10.0.0.0/014]'),
      ),
    );
    const layer = snapshot.datapath.layers.find((l) => l.mechanism === 'azure-ip-masq-agent');
    expect(layer).toMatchObject({ config: { status: 'valid', rules: { nonMasqueradeCIDRs: ['10.0.0.0/12'] } } });
    expect(snapshot.warnings.map((w) => w.code)).toContain('AGENT_CIDR_PREFIX_OCTAL');
  });
});
