/**
 * An input that could not be read is said so, with what would make it readable: the RBAC rule to
 * add, or the version the server serves. Never "invalid config".
 */
import { describe, expect, it } from 'vitest';
import { messageOf } from '../../../src/render/messages.ts';
import type { Finding } from '../../../src/model/reasons.ts';
import type { ReadGap } from '../../../src/model/gaps.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { describeLayer } from '../../../src/engine/registry/mechanisms.ts';
import { build, ipMasqAgent, ipMasqConfig, node } from '../../support/builders.ts';
import { ciliumAgent, egressPolicy } from '../../support/cilium-builders.ts';

const gap = (resource: string, namespace = '', reason = 'forbidden', served = '') => ({
  resource,
  namespace,
  reason,
  served,
});

describe('messages for unread inputs', () => {
  it.each<[string, Finding, string]>([
    [
      'a refused ConfigMap names the RoleBinding to add',
      { code: 'AGENT_CONFIGMAP_UNREADABLE', data: { detail: 'cannot list configmaps in kube-system' } },
      'kubectl -n kube-system create rolebinding',
    ],
    [
      'refused DaemonSets name the RoleBinding to add',
      { code: 'DATAPATH_UNREADABLE', data: { resource: 'daemonsets.apps', namespace: 'cilium' } },
      'kubectl -n cilium create rolebinding',
    ],
    [
      'refused cilium-config names the RoleBinding to add',
      { code: 'CILIUM_CONFIG_UNREADABLE', data: gap('configmaps', 'kube-system') },
      '--clusterrole=kubectl-egress-datapath',
    ],
    [
      'a refused CRD names the ClusterRole rule',
      {
        code: 'CILIUM_EGW_POLICIES_UNREADABLE',
        data: { ...gap('ciliumegressgatewaypolicies.cilium.io'), gateway: 'enabled' },
      },
      'apiGroups: ["cilium.io"], resources: [ciliumegressgatewaypolicies], verbs: [list]',
    ],
    [
      'refused EKS NodeClasses name the ClusterRole rule',
      { code: 'EKS_AUTO_NODECLASSES_UNREADABLE', data: { ...gap('nodeclasses.eks.amazonaws.com'), node: 'i-0a' } },
      'apiGroups: ["eks.amazonaws.com"], resources: [nodeclasses], verbs: [list]',
    ],
    [
      'an unknown version names the served version',
      {
        code: 'CILIUM_EGW_POLICIES_UNREADABLE',
        data: { ...gap('ciliumegressgatewaypolicies.cilium.io', '', 'unknown-version', 'v3'), gateway: 'unknown' },
      },
      'only at v3',
    ],
    [
      'the snapshot warning names the served version',
      { code: 'READ_UNKNOWN_VERSION', data: { resource: 'ciliumnodes.cilium.io', served: 'v3' } },
      'only at v3',
    ],
  ])('%s', (_name, finding, expected) => {
    const message = messageOf(finding);
    expect(message).toContain(expected);
    expect(message).toMatch(/could not be read|only at/);
    expect(message).not.toMatch(/invalid/i);
  });
});

describe('the datapath header for an agent whose ConfigMap could not be read', () => {
  const layerOf = (gaps: ReadGap[], objects: KubeObject[]) =>
    buildSnapshot(objects, { gaps }).datapath.layers.find((l) => l.mechanism === 'ip-masq-agent')!;

  it('says the config is unreadable, not invalid', () => {
    const layer = layerOf(
      [{ resource: 'configmaps', namespace: 'kube-system', reason: 'forbidden' }],
      build(node('n1'), ipMasqAgent()),
    );
    expect(describeLayer(layer)).toBe(
      'ip-masq-agent (kube-system/ip-masq-agent, chain IP-MASQ-AGENT, config unreadable)',
    );
  });

  it('still says invalid for a config the agent rejects', () => {
    const layer = layerOf([], build(node('n1'), ipMasqAgent(), ipMasqConfig('nonMasqueradeCIDRs: [banana]')));
    expect(describeLayer(layer)).toBe('ip-masq-agent (kube-system/ip-masq-agent, chain IP-MASQ-AGENT, config invalid)');
  });
});

describe('the datapath header for Cilium egress gateways when cilium-config could not be read', () => {
  const gatewayOf = (objects: KubeObject[]) =>
    buildSnapshot(objects, {
      gaps: [{ resource: 'configmaps', namespace: 'kube-system', reason: 'forbidden' }],
    }).datapath.gateways.find((l) => l.mechanism === 'cilium-egress-gateway')!;

  it('says the feature setting is unread, never that the feature is disabled', () => {
    const policy = egressPolicy('egw')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('0.0.0.0/0')
      .gateway({ matchLabels: { egress: 'yes' } }, { egressIP: '10.0.0.50' });
    const layer = gatewayOf([...build(node('n1'), ciliumAgent()), policy.build()]);
    expect(describeLayer(layer)).toBe('1 CiliumEgressGatewayPolicy (feature setting unread)');
  });
});
