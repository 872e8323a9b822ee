/**
 * An invalid address is never an answer: a decision that needs the node's (or pod's) address of a
 * family is unknown when an invalid value stands before the first valid one of that family, and
 * unaffected when the value comes after it (the first of a family is the one used).
 */
import { describe, expect, it } from 'vitest';
import { build, node, pod, type NodeBuilder, type PodBuilder } from '../../support/builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
} from '../../support/cilium-builders.ts';
import { codes, decide, decisionFor } from '../../support/predict.ts';

const answer = (n: NodeBuilder, p: PodBuilder, to: string, natIP?: string) => {
  const d = decisionFor(decide(build(n, p), [to], natIP ? { natIP } : {}), 'p', to);
  return { sourceIP: d.sourceIP, identity: d.identity, last: codes(d).at(-1) };
};
const unknown = (code: string) => ({ sourceIP: null, identity: 'unknown', last: code });

describe('the addresses a decision needs', () => {
  it.each([
    [
      'a hostNetwork pod on a node whose only InternalIP is a word',
      node('n').internalIP('banana'),
      pod('p').on('n').hostNetwork(),
      '10.9.9.9',
      unknown('NODE_ADDRESS_INVALID'),
    ],
    [
      'a hostNetwork pod when the word follows a valid InternalIP',
      node('n').internalIP('10.0.0.1').internalIP('banana'),
      pod('p').on('n').hostNetwork(),
      '10.9.9.9',
      { sourceIP: '10.0.0.1', identity: 'node-ip', last: 'HOST_NETWORK_NODE_IP' },
    ],
    [
      'an IPv4 destination when the word follows only an IPv6 InternalIP',
      node('n').internalIP('fd00::1').internalIP('banana'),
      pod('p').on('n').hostNetwork(),
      '10.9.9.9',
      unknown('NODE_ADDRESS_INVALID'),
    ],
    [
      'a pod whose only IP is a word',
      node('n').internalIP('10.0.0.1'),
      pod('p').on('n').ip('10.4.0.300'),
      '10.9.9.9',
      unknown('POD_ADDRESS_INVALID'),
    ],
    [
      'masquerading to a node IP that is a word',
      node('n').internalIP('banana').podCIDR('10.4.0.0/24'),
      pod('p').on('n').ip('10.4.0.7'),
      '8.8.8.8',
      unknown('NODE_ADDRESS_INVALID'),
    ],
  ])('%s', (_name, n, p, to, expected) => {
    expect(answer(n, p, to)).toEqual(expected);
  });

  it('answers as without it when the invalid pod IP follows a valid one of the family', () => {
    const n = () => node('n').internalIP('10.0.0.1').podCIDR('10.4.0.0/24');
    const valid = answer(n(), pod('p').on('n').ip('10.4.0.7'), '8.8.8.8');
    expect(valid.identity).not.toBe('unknown');
    expect(answer(n(), pod('p').on('n').ip('10.4.0.7', 'nope'), '8.8.8.8')).toEqual(valid);
  });
});

describe("a cloud node's ExternalIP (1:1 NAT)", () => {
  const gce = (...external: string[]) =>
    external.reduce((n, ip) => n.externalIP(ip), node('n').gce().internalIP('10.128.0.5').podCIDR('10.4.0.0/24'));
  const host = () => pod('p').on('n').hostNetwork();

  it.each([
    [
      'the only ExternalIP is a word: not the NAT, not the InternalIP',
      gce('34.1.1.300'),
      undefined,
      unknown('NODE_ADDRESS_INVALID'),
    ],
    ['nor is --nat-ip claimed for it', gce('34.1.1.300'), '35.0.0.9', unknown('NODE_ADDRESS_INVALID')],
    [
      'a word after the valid ExternalIP is never used',
      gce('34.1.1.1', 'n/a'),
      undefined,
      { sourceIP: '34.1.1.1', identity: 'node-ip', last: 'NODE_EXTERNAL_IP' },
    ],
  ])('%s', (_name, n, natIP, expected) => {
    expect(answer(n, host(), '8.8.8.8', natIP)).toEqual(expected);
  });
});

describe('an egress gateway node whose address is a word', () => {
  it("is unknown, not the gateway's address nor a drop", () => {
    const gw = clusterNode('gw', 'banana', '10.0.2.0/24', { egress: 'true' });
    const worker = clusterNode('worker', '192.168.1.11', '10.0.1.0/24');
    const policy = egressPolicy('p')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('0.0.0.0/0')
      .gateway({ matchLabels: { egress: 'true' } });
    const objects = [
      ...build(
        ciliumAgent(),
        ciliumConfig(EGRESS_GATEWAY_CONFIG),
        gw.node,
        worker.node,
        pod('p').on('worker').ip('10.0.1.7').label('app', 'web'),
      ),
      gw.ciliumNode,
      worker.ciliumNode,
      policy.build(),
    ];
    const d = decisionFor(decide(objects, ['8.8.8.8']), 'p', '8.8.8.8');
    expect({ identity: d.identity, sourceIP: d.sourceIP, codes: codes(d) }).toMatchObject({
      identity: 'unknown',
      sourceIP: null,
    });
    expect(codes(d)).toContain('NODE_ADDRESS_INVALID');
  });
});
