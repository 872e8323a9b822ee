/**
 * Answers that are a set (design §5 "Additions", `sourceIPs`): how a mechanism answers one, and
 * what the later steps of the walk do to it.
 */
import { describe, expect, it } from 'vitest';
import { EffectBuilder } from '../../../src/engine/core/effect.ts';
import { applyEffect, newPacket, toDecision } from '../../../src/engine/core/packet.ts';
import type { PodInfo } from '../../../src/model/snapshot.ts';
import { destination } from '../../support/predict.ts';

const POD = {
  namespace: 'shop',
  name: 'web',
  workload: { kind: 'Pod', name: 'web' },
  nodeName: 'n1',
  podIPs: ['10.4.1.7'],
  hostNetwork: false,
} as unknown as PodInfo;
const TO = destination('203.0.113.50');
const EGRESS_IP = {
  identity: 'egress-ip' as const,
  via: 'test',
  egressFrom: { kind: 'EgressIP', name: 'egressip-prod' },
};

/** The decision after the effects, in order, as the pipeline applies them. */
function after(...effects: ((b: EffectBuilder) => EffectBuilder)[]) {
  const packet = newPacket(false);
  for (const effect of effects) applyEffect(packet, effect(new EffectBuilder(false)).build());
  return toDecision(POD, undefined, TO, packet);
}

describe('a mechanism answering with several addresses', () => {
  it.each([
    ['numeric, not text, order', ['10.0.0.10', '10.0.0.9'], ['10.0.0.9', '10.0.0.10']],
    ['IPv4 before IPv6', ['2001:db8::1', '192.0.2.1'], ['192.0.2.1', '2001:db8::1']],
    [
      'each address once, however written',
      ['2001:db8::1', '2001:0db8::0001', '192.0.2.1', '192.0.2.1'],
      ['192.0.2.1', '2001:db8::1'],
    ],
  ])('lists them in %s with sourceIP null', (_name, given, sorted) => {
    expect(after((b) => b.leaveFromSet(given, EGRESS_IP))).toMatchObject({
      sourceIP: null,
      sourceIPs: sorted,
      identity: 'egress-ip',
    });
  });

  it('answers one address as an ordinary sourceIP', () => {
    expect(after((b) => b.leaveFromSet(['192.0.2.1', '192.0.2.1'], EGRESS_IP))).toMatchObject({
      sourceIP: '192.0.2.1',
      sourceIPs: ['192.0.2.1'],
    });
  });

  it('names the object the addresses come from', () => {
    expect(after((b) => b.leaveFromSet(['192.0.2.1', '192.0.2.2'], EGRESS_IP)).egressFrom).toEqual({
      kind: 'EgressIP',
      name: 'egressip-prod',
    });
  });
});

describe('a mechanism answering with an egress prefix', () => {
  it('answers every address of the prefix', () => {
    expect(after((b) => b.leaveFromPrefix('test', '203.0.113.8/30', EGRESS_IP))).toMatchObject({
      sourceIP: null,
      sourceIPs: ['203.0.113.8', '203.0.113.9', '203.0.113.10', '203.0.113.11'],
      identity: 'egress-ip',
    });
  });

  it.each([
    ['a prefix larger than the bound (a /23)', '203.0.112.0/23'],
    ['a prefix that does not parse', '203.0.113.8'],
  ])('answers unknown for %s', (_name, prefix) => {
    const d = after((b) => b.leaveFromPrefix('test', prefix, EGRESS_IP));
    expect(d).toMatchObject({ sourceIP: null, sourceIPs: [], identity: 'unknown' });
    expect(d.reasons.map((r) => r.code)).toEqual(['EGRESS_PREFIX_NOT_LISTED']);
  });
});

describe('a set after the steps that follow', () => {
  const set = (b: EffectBuilder) => b.leaveFromSet(['192.0.2.1', '192.0.2.2'], EGRESS_IP);

  it('is replaced by the one address a later NAT gives', () => {
    expect(after(set, (b) => b.set({ sourceIP: '198.51.100.7', identity: 'nat' }))).toMatchObject({
      sourceIP: '198.51.100.7',
      sourceIPs: ['198.51.100.7'],
      identity: 'nat',
    });
  });

  it('stays through a step that only adds notes (no NAT assumed off-cloud)', () => {
    const note = (b: EffectBuilder) => b.warn({ code: 'NO_NAT_ASSUMED_OFF_CLOUD', data: { node: 'n1' } });
    expect(after(set, note)).toMatchObject({ sourceIP: null, sourceIPs: ['192.0.2.1', '192.0.2.2'] });
  });

  it('is dropped when a later step cannot know the answer', () => {
    const unknown = (b: EffectBuilder) => b.unknown('beyond-node', { code: 'NAT_IP_UNKNOWN', data: {} });
    expect(after(set, unknown)).toMatchObject({ sourceIP: null, sourceIPs: [], identity: 'unknown' });
  });
});

describe('sourceIPs of answers that are not a set', () => {
  it.each([
    ['one address', (b: EffectBuilder) => b.set({ sourceIP: '10.0.0.5', identity: 'node-ip' }), ['10.0.0.5']],
    ['dropped', (b: EffectBuilder) => b.set({ sourceIP: null, identity: 'dropped', settled: true }), []],
    ['unknown', (b: EffectBuilder) => b.unknown('node-snat', { code: 'NODE_NOT_FOUND', data: {} }), []],
  ])('holds %s', (_name, effect, sourceIPs) => {
    expect(after(effect).sourceIPs).toEqual(sourceIPs);
  });
});
