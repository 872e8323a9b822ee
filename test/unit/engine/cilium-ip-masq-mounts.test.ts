/**
 * Where Cilium's BPF ip-masq-agent finds its file, as the agent's container sees it.
 * cilium/cilium pkg/ipmasq/cell/config.go: `ip-masq-agent-config-path`, default /etc/config/ip-masq-agent.
 * pkg/ipmasq/ipmasq.go: the agent adds the file's directory to an fsnotify watcher ("The directory of
 * the config should exist at this time, otherwise the watcher will fail to add") and fails to start
 * without it (cell.go OnStart "failed to start ip-masq-agent"); `readConfig` treats a missing or
 * zero-byte file as "use the defaults" (ipmasq_test.go TestUpdate: deleting the file restores the
 * 11 default CIDRs).
 */
import { describe, expect, it } from 'vitest';
import { build, configMap, pod, type DaemonSetBuilder } from '../../support/builders.ts';
import { ciliumAgent, ciliumConfig, clusterNode } from '../../support/cilium-builders.ts';
import { codes, decide } from '../../support/predict.ts';

const BPF_IP_MASQ = { 'enable-bpf-masquerade': 'true', 'enable-ip-masq-agent': 'true' };
const helmVolume = (optional = true) => ({
  configMap: { name: 'ip-masq-agent', optional, items: [{ key: 'config', path: 'ip-masq-agent' }] },
});
const explicit = configMap('ip-masq-agent').data('config', 'nonMasqueradeCIDRs: [203.0.113.0/24]');

function cluster(agent: DaemonSetBuilder, config: Record<string, string>, ...extra: ReturnType<typeof configMap>[]) {
  const n1 = clusterNode('n1', '192.168.1.1', '10.0.0.0/24');
  return [...build(agent, ciliumConfig(config), n1.node, pod('app').on('n1').ip('10.0.0.7'), ...extra), n1.ciliumNode];
}

describe('Cilium ip-masq-agent: the config directory and file as mounted', () => {
  it.each([
    [
      "Helm's optional volume without its ConfigMap: the defaults (172.16.0.0/12 exempt)",
      ciliumAgent().mount('ip-masq-agent', helmVolume(), '/etc/config'),
      {},
      [],
      '172.20.0.5',
      '10.0.0.7',
      'DST_IN_NON_MASQ_CIDRS',
    ],
    [
      "Helm's volume with the ConfigMap under another key: the defaults",
      ciliumAgent().mount('ip-masq-agent', helmVolume(), '/etc/config'),
      {},
      [configMap('ip-masq-agent').data('config.yaml', 'nonMasqueradeCIDRs: []')],
      '172.20.0.5',
      '10.0.0.7',
      'DST_IN_NON_MASQ_CIDRS',
    ],
    [
      "Helm's volume with the file: its CIDRs, not the defaults",
      ciliumAgent().mount('ip-masq-agent', helmVolume(), '/etc/config'),
      {},
      [explicit],
      '172.20.0.5',
      '192.168.1.1',
      'CILIUM_BPF_MASQUERADE',
    ],
    [
      'an emptyDir at /etc/config: the directory exists, the file does not, so the defaults',
      ciliumAgent().mount('scratch', { emptyDir: {} }, '/etc/config'),
      {},
      [],
      '172.20.0.5',
      '10.0.0.7',
      'DST_IN_NON_MASQ_CIDRS',
    ],
    [
      'a subPath mount of the file itself: the runtime makes /etc/config, the file is read',
      ciliumAgent().mount(
        'ip-masq-agent',
        { configMap: { name: 'ip-masq-agent' } },
        '/etc/config/ip-masq-agent',
        'config',
      ),
      {},
      [explicit],
      '203.0.113.9',
      '10.0.0.7',
      'DST_IN_NON_MASQ_CIDRS',
    ],
    [
      'ip-masq-agent-config-path elsewhere, mounted there: that file is read',
      ciliumAgent().mount('masq', { configMap: { name: 'ip-masq-agent' } }, '/etc/ipmasq'),
      { 'ip-masq-agent-config-path': '/etc/ipmasq/config' },
      [explicit],
      '203.0.113.9',
      '10.0.0.7',
      'DST_IN_NON_MASQ_CIDRS',
    ],
  ])('%s', (_name, agent, extraConfig, extra, to, sourceIP, code) => {
    const [d] = decide(cluster(agent, { ...BPF_IP_MASQ, ...extraConfig }, ...extra), [to]);
    expect(d).toMatchObject({ sourceIP });
    expect(codes(d!)).toContain(code);
  });

  it.each([
    ['nothing mounted at /etc/config: the watcher cannot be added and the agent does not start', ciliumAgent(), {}],
    [
      '/etc/config mounted, but ip-masq-agent-config-path points at an unmounted directory',
      ciliumAgent().mount('ip-masq-agent', helmVolume(), '/etc/config'),
      { 'ip-masq-agent-config-path': '/etc/ipmasq/config' },
    ],
    [
      'a non-optional ConfigMap that does not exist: kubelet does not start the pod',
      ciliumAgent().mount('ip-masq-agent', helmVolume(false), '/etc/config'),
      {},
    ],
  ])('%s: unknown, not the defaults', (_name, agent, extraConfig) => {
    const decisions = decide(cluster(agent, { ...BPF_IP_MASQ, ...extraConfig }), ['172.20.0.5', '8.8.8.8']);
    for (const d of decisions) {
      expect(d).toMatchObject({ identity: 'unknown', sourceIP: null });
      expect(codes(d)).toContain('CILIUM_AGENT_REFUSES_CONFIG');
    }
  });

  it('cannot read a config path that a volume turned into a directory: the map keeps its unknown previous contents', () => {
    // ipmasq.go readConfig: os.ReadFile fails (not IsNotExist), Update returns the error, Start only logs it.
    const agent = ciliumAgent().mount(
      'ip-masq-agent',
      { configMap: { name: 'ip-masq-agent' } },
      '/etc/config/ip-masq-agent',
    );
    const [d] = decide(cluster(agent, BPF_IP_MASQ, explicit), ['172.20.0.5']);
    expect(d).toMatchObject({ identity: 'unknown', sourceIP: null });
    expect(codes(d!)).toContain('AGENT_CONFIG_INVALID');
  });

  it('does not look for the directory while enable-ip-masq-agent is off', () => {
    const [d] = decide(cluster(ciliumAgent(), { 'enable-bpf-masquerade': 'true' }), ['8.8.8.8']);
    expect(d).toMatchObject({ identity: 'node-ip', sourceIP: '192.168.1.1' });
  });
});
