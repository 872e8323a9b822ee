/**
 * Azure/ip-masq-agent-v2 (@45758a6) reads what its container sees in /etc/config/, whatever the
 * ConfigMaps are called. cmd/ip-masq-agent-v2/ip-masq-agent.go `syncConfig`: `fs.ReadDir("/etc/config/")`
 * fails without the directory ("failed to read config directory") and `Run` returns, so main exits
 * (klog.Fatalf); every entry named `ip-masq*` is read (ReadFile), merged onto an empty config; with
 * none the defaults apply. Cases mirror ip-masq-agent_test.go `TestSyncConfig`: "no config file"
 * (NotExistFS → error), "no correctly prefixed file" (→ defaults), "multiple valid … files" (merged).
 */
import { describe, expect, it } from 'vitest';
import { build, configMap, daemonSet, node, pod, type DaemonSetBuilder } from '../../support/builders.ts';
import { codes, decide } from '../../support/predict.ts';

const agent = () => daemonSet('azure-ip-masq-agent').image('mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15');
const custom = configMap('masq-custom').data('ip-masq-custom', 'nonMasqueradeCIDRs: [192.168.50.0/24]\n');
const cloud = configMap('masq-cloud').data('ip-masq-cloud', 'nonMasqueradeCIDRs: [10.0.0.0/8]\nmasqLinkLocal: true\n');
const aksNamed = configMap('azure-ip-masq-agent-config').data(
  'ip-masq-agent',
  'nonMasqueradeCIDRs: [192.168.0.0/16]\n',
);

function cluster(ds: DaemonSetBuilder, ...maps: ReturnType<typeof configMap>[]) {
  return build(
    ds,
    node('n1').internalIP('10.128.0.5').podCIDR('10.4.1.0/24'),
    pod('web', 'shop').on('n1').ip('10.4.1.7'),
    ...maps,
  );
}

describe('Azure ip-masq-agent-v2: the files in /etc/config as the DaemonSet mounts them', () => {
  it.each([
    [
      'ConfigMaps with any names, projected into /etc/config: both files are merged',
      agent().mount(
        'config',
        {
          projected: {
            sources: [
              { configMap: { name: 'masq-custom', optional: true } },
              { configMap: { name: 'masq-cloud', optional: true } },
            ],
          },
        },
        '/etc/config',
      ),
      [custom, cloud],
      { '192.168.50.9': '10.4.1.7', '10.1.1.1': '10.4.1.7', '172.16.0.1': '10.128.0.5' },
    ],
    [
      'a ConfigMap key mounted with subPath as /etc/config/ip-masq-custom is read',
      agent().mount('custom', { configMap: { name: 'masq-custom' } }, '/etc/config/ip-masq-custom', 'ip-masq-custom'),
      [custom],
      { '192.168.50.9': '10.4.1.7', '10.1.1.1': '10.128.0.5' },
    ],
    [
      'no correctly prefixed file: the defaults (RFC 1918 exempt)',
      agent().mount(
        'config',
        { configMap: { name: 'other', items: [{ key: 'ip-masq-custom', path: 'bad-prefix-config-0' }] } },
        '/etc/config',
      ),
      [configMap('other').data('ip-masq-custom', 'nonMasqueradeCIDRs: [225.255.240.0/20]\n')],
      { '10.1.1.1': '10.4.1.7', '8.8.8.8': '10.128.0.5' },
    ],
    [
      'optional ConfigMaps that do not exist leave an empty directory: the defaults',
      agent().mount(
        'config',
        { projected: { sources: [{ configMap: { name: 'masq-custom', optional: true } }] } },
        '/etc/config',
      ),
      [],
      { '10.1.1.1': '10.4.1.7' },
    ],
    [
      'an emptyDir at /etc/config: the defaults',
      agent().mount('config', { emptyDir: {} }, '/etc/config'),
      [],
      { '10.1.1.1': '10.4.1.7' },
    ],
    [
      'other projected sources with declared, non-ip-masq paths add no config file',
      agent().mount(
        'config',
        {
          projected: {
            sources: [
              { configMap: { name: 'masq-custom' } },
              { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
              { serviceAccountToken: { path: 'token' } },
            ],
          },
        },
        '/etc/config',
      ),
      [custom],
      { '192.168.50.9': '10.4.1.7', '10.1.1.1': '10.128.0.5' },
    ],
    [
      'AKS-named ConfigMaps that are not mounted are not read',
      agent().mount('config', { configMap: { name: 'masq-custom' } }, '/etc/config'),
      [custom, aksNamed],
      { '192.168.50.9': '10.4.1.7', '192.168.1.1': '10.128.0.5' },
    ],
  ])('%s', (_name, ds, maps, expected) => {
    const decisions = decide(cluster(ds, ...maps), Object.keys(expected));
    expect(Object.fromEntries(decisions.map((d) => [d.destination.text, d.sourceIP]))).toEqual(expected);
  });

  it.each([
    [
      'no volume at all (even with AKS-named ConfigMaps present): ReadDir fails and the agent exits',
      agent(),
      [aksNamed],
      'AGENT_CONFIG_DIR_NOT_MOUNTED',
    ],
    [
      'a volume mounted elsewhere, not at /etc/config',
      agent().mount('config', { configMap: { name: 'masq-custom' } }, '/etc/ip-masq'),
      [custom],
      'AGENT_CONFIG_DIR_NOT_MOUNTED',
    ],
    [
      'a ConfigMap volume mounted at /etc/config/ip-masq-agent (a directory the agent reads as a file)',
      agent().mount('config', { configMap: { name: 'masq-custom' } }, '/etc/config/ip-masq-agent'),
      [custom],
      'AGENT_CONFIG_DIR_UNSURE',
    ],
    [
      'a non-optional ConfigMap that does not exist: the pod does not start',
      agent().mount('config', { configMap: { name: 'masq-custom' } }, '/etc/config'),
      [],
      'AGENT_CONFIGMAP_REQUIRED_MISSING',
    ],
    [
      'a projected Secret without items: its file names are not visible',
      agent().mount('config', { projected: { sources: [{ secret: { name: 'masq' } }] } }, '/etc/config'),
      [],
      'AGENT_CONFIG_DIR_UNSURE',
    ],
    [
      'a hostPath at /etc/config: its files are not visible',
      agent().mount('config', { hostPath: { path: '/etc/masq' } }, '/etc/config'),
      [],
      'AGENT_CONFIG_DIR_UNSURE',
    ],
  ])('%s: unknown', (_name, ds, maps, code) => {
    const [d] = decide(cluster(ds, ...maps), ['10.1.1.1']);
    expect(d).toMatchObject({ identity: 'unknown', sourceIP: null });
    expect(codes(d!)).toContain(code);
  });
});
