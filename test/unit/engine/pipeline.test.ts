/**
 * The pipeline's own rules: where the packet starts, when node SNAT steps aside, what happens
 * beyond the node, and when the answer is unknown (design §4).
 */
import { describe, expect, it } from 'vitest';
import { build, ipMasqAgent, ipMasqConfig, node, pod } from '../../support/builders.ts';
import { codes, decide, decisionFor, warningCodes } from '../../support/predict.ts';

const agent = ipMasqAgent();

describe('the pod network', () => {
  it("gives a hostNetwork pod its node's InternalIP, whatever the destination", () => {
    const objects = build(node('n1').internalIP('10.0.0.5'), pod('h').on('n1').ip('10.0.0.5').hostNetwork(), agent);
    for (const d of decide(objects, ['10.1.1.1', '203.0.113.9', '169.254.169.254'])) {
      expect(d).toMatchObject({ sourceIP: '10.0.0.5', identity: 'node-ip', via: 'host-network' });
    }
  });

  it.each([
    ['a pod not scheduled yet', pod('p').ip('10.4.1.7'), 'POD_NOT_SCHEDULED'],
    ['a pod without an IP yet', pod('p').on('n1').phase('Pending'), 'POD_HAS_NO_IP'],
    ['a pod on a node that was not read', pod('p').on('ghost').ip('10.4.1.7'), 'NODE_NOT_FOUND'],
    ['an IPv4-only pod asked about an IPv6 destination', pod('p').on('n1').ip('10.4.1.7'), 'POD_HAS_NO_IP_OF_FAMILY'],
  ])('answers unknown for %s', (_name, p, code) => {
    const to = code === 'POD_HAS_NO_IP_OF_FAMILY' ? '2001:db8::1' : '8.8.8.8';
    const [d] = decide(build(node('n1').internalIP('10.0.0.5'), p, agent), [to]);
    expect(d).toMatchObject({ sourceIP: null, identity: 'unknown' });
    expect(codes(d!)).toEqual([code]);
  });

  it('leaves out pods that have finished', () => {
    expect(
      decide(build(node('n1').internalIP('10.0.0.5'), pod('done').on('n1').ip('10.4.1.7').phase('Succeeded'), agent), [
        '8.8.8.8',
      ]),
    ).toEqual([]);
  });
});

describe('beyond the node', () => {
  it('assumes no NAT off-cloud and says so', () => {
    const d = decisionFor(
      decide(build(node('n1').internalIP('10.0.0.5'), pod('p').on('n1').ip('10.4.1.7'), agent), ['8.8.8.8']),
      'p',
      '8.8.8.8',
    );
    expect(d).toMatchObject({ sourceIP: '10.0.0.5', identity: 'node-ip' });
    expect(warningCodes(d)).toEqual(['NO_NAT_ASSUMED_OFF_CLOUD']);
  });

  it('maps a node-IP packet to the ExternalIP of an AWS node', () => {
    const objects = build(
      node('n1').aws().internalIP('10.0.0.5').externalIP('52.1.2.3'),
      pod('p').on('n1').ip('10.4.1.7'),
      agent,
    );
    expect(decide(objects, ['8.8.8.8'])[0]).toMatchObject({ sourceIP: '52.1.2.3', identity: 'node-ip' });
  });

  it('never uses the ExternalIP for pod-IP packets: --nat-ip or unknown', () => {
    const objects = build(
      node('n1').gce().internalIP('10.0.0.5').externalIP('34.1.2.3'),
      pod('p').on('n1').ip('10.4.1.7'),
      ipMasqAgent('--masq-chain=IP-MASQ'),
      ipMasqConfig('nonMasqueradeCIDRs: [0.0.0.0/0]'),
    );
    expect(decide(objects, ['8.8.8.8'])[0]).toMatchObject({ sourceIP: null, identity: 'unknown' });
    expect(decide(objects, ['8.8.8.8'], { natIP: '35.9.9.9' })[0]).toMatchObject({
      sourceIP: '35.9.9.9',
      identity: 'nat',
    });
  });

  it('does not apply to private destinations', () => {
    const objects = build(
      node('n1').gce().internalIP('10.0.0.5').externalIP('34.1.2.3'),
      pod('p').on('n1').ip('10.4.1.7'),
      agent,
    );
    expect(decide(objects, ['100.64.0.1'])[0]).toMatchObject({ sourceIP: '10.0.0.5', identity: 'node-ip' });
  });

  it('answers unknown for a range mixing public and private addresses', () => {
    const objects = build(
      node('n1').internalIP('10.0.0.5'),
      pod('p').on('n1').ip('10.4.1.7'),
      ipMasqAgent(),
      ipMasqConfig('nonMasqueradeCIDRs: []\nmasqLinkLocal: true'),
    );
    expect(codes(decide(objects, ['0.0.0.0/0'])[0]!)).toContain('DST_RANGE_MIXED_PUBLIC');
  });
});

describe('a datapath that is not recognised', () => {
  const objects = build(
    node('n1').internalIP('10.0.0.5').podCIDR('10.4.1.0/24'),
    node('n2').internalIP('10.0.0.6').podCIDR('10.4.2.0/24'),
    pod('p').on('n1').ip('10.4.1.7'),
  );

  it('keeps the pod IP inside the pod CIDRs and masquerades outside, with a warning', () => {
    const decisions = decide(objects, ['10.4.2.9', '10.0.0.6']);
    expect(decisionFor(decisions, 'p', '10.4.2.9')).toMatchObject({
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
      via: 'assumed-default',
    });
    expect(decisionFor(decisions, 'p', '10.0.0.6')).toMatchObject({
      sourceIP: '10.0.0.5',
      identity: 'node-ip',
      via: 'assumed-default',
    });
    expect(warningCodes(decisionFor(decisions, 'p', '10.4.2.9'))).toContain('DATAPATH_NOT_RECOGNISED');
  });

  it('answers unknown when no node has a pod CIDR', () => {
    const [d] = decide(build(node('n1').internalIP('10.0.0.5'), pod('p').on('n1').ip('10.4.1.7')), ['10.9.9.9']);
    expect(d).toMatchObject({ identity: 'unknown' });
    expect(codes(d!)).toContain('POD_CIDRS_UNKNOWN');
  });
});

describe('which nodes an agent runs on', () => {
  it('applies the agent only on nodes where its pods run', () => {
    const objects = build(
      node('n1').internalIP('10.0.0.5'),
      node('n2').internalIP('10.0.0.6'),
      pod('p').on('n1').ip('10.4.1.7'),
      pod('q').on('n2').ip('10.4.2.7'),
      agent,
      pod('ip-masq-agent-abc', 'kube-system')
        .on('n1')
        .ip('10.0.0.5')
        .hostNetwork()
        .ownedBy('DaemonSet', 'ip-masq-agent'),
    );
    const decisions = decide(objects, ['203.0.113.9']);
    expect(decisionFor(decisions, 'p', '203.0.113.9')).toMatchObject({ sourceIP: '10.0.0.5', identity: 'node-ip' });
    expect(decisionFor(decisions, 'q', '203.0.113.9')).toMatchObject({ sourceIP: '10.4.2.7', identity: 'pod-ip' });
    expect(codes(decisionFor(decisions, 'q', '203.0.113.9'))).toEqual(['NO_SNAT_LAYER_ON_NODE']);
  });

  it("falls back to the nodeSelector when the agent's pods were not read", () => {
    const objects = build(
      node('n1').internalIP('10.0.0.5').label('pool', 'a'),
      node('n2').internalIP('10.0.0.6'),
      pod('p').on('n1').ip('10.4.1.7'),
      pod('q').on('n2').ip('10.4.2.7'),
      ipMasqAgent().nodeSelector({ pool: 'a' }),
    );
    const decisions = decide(objects, ['203.0.113.9']);
    expect(decisionFor(decisions, 'p', '203.0.113.9').identity).toBe('node-ip');
    expect(decisionFor(decisions, 'q', '203.0.113.9').identity).toBe('pod-ip');
  });
});
