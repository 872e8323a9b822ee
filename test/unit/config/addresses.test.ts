/**
 * Address fields the API server stores unchecked: each value parsed as Go's net.ParseIP /
 * net.ParseCIDR do; the invalid ones kept out of the model, each with the families it could hide.
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { build, node, pod, type NodeBuilder } from '../../support/builders.ts';
import { clusterNode, ciliumAgent, ciliumConfig } from '../../support/cilium-builders.ts';

const nodeOf = (n: NodeBuilder) => buildSnapshot(build(n)).nodes[0]!;
const invalid = (list: { kind: string; field: string; value: string; hides: number[] }[] | undefined) =>
  (list ?? []).map((a) => `${a.kind} ${a.field}=${a.value} hides ${a.hides.join(',') || 'none'}`);

describe('Node status.addresses and spec.podCIDRs', () => {
  it.each([
    [
      'a word as the only InternalIP hides both families',
      node('n').internalIP('banana'),
      [],
      ['InternalIP status.addresses[0].address=banana hides 4,6'],
    ],
    [
      'after a valid IPv4 one it hides only IPv6',
      node('n').internalIP('10.0.0.1').internalIP('banana'),
      ['10.0.0.1'],
      ['InternalIP status.addresses[1].address=banana hides 6'],
    ],
    [
      'after one of each family it hides nothing',
      node('n').internalIP('10.0.0.1').internalIP('fd00::1').internalIP('10.0.0.300'),
      ['10.0.0.1', 'fd00::1'],
      ['InternalIP status.addresses[2].address=10.0.0.300 hides none'],
    ],
    [
      'a leading zero is invalid, as in Go since 1.17',
      node('n').internalIP('10.0.0.01'),
      [],
      ['InternalIP status.addresses[0].address=10.0.0.01 hides 4,6'],
    ],
    [
      'a zone is invalid',
      node('n').internalIP('fe80::1%eth0'),
      [],
      ['InternalIP status.addresses[0].address=fe80::1%eth0 hides 4,6'],
    ],
    [
      'an empty address is invalid, not skipped',
      node('n').internalIP(''),
      [],
      ['InternalIP status.addresses[0].address= hides 4,6'],
    ],
  ])('%s', (_name, n, internalIPs, expected) => {
    const info = nodeOf(n);
    expect({ internalIPs: info.internalIPs, invalid: invalid(info.invalidAddresses) }).toEqual({
      internalIPs,
      invalid: expected,
    });
  });

  it('leaves Hostname and InternalDNS alone: they are names', () => {
    const [obj] = build(node('n').internalIP('10.0.0.1'));
    (obj!['status'] as { addresses: unknown[] }).addresses.push(
      { type: 'Hostname', address: 'n' },
      { type: 'InternalDNS', address: 'n.internal' },
    );
    const info = buildSnapshot([obj!]).nodes[0]!;
    expect({ internalIPs: info.internalIPs, invalid: info.invalidAddresses }).toEqual({
      internalIPs: ['10.0.0.1'],
      invalid: undefined,
    });
  });

  it('checks ExternalIPs and pod CIDRs the same way, each list on its own', () => {
    const info = nodeOf(
      node('n')
        .internalIP('10.0.0.1')
        .externalIP('34.1.1.999')
        .externalIP('34.1.1.1')
        .podCIDR('10.4.0.0/24', '10.4.1.0/33'),
    );
    expect({ externalIPs: info.externalIPs, podCIDRs: info.podCIDRs, invalid: invalid(info.invalidAddresses) }).toEqual(
      {
        externalIPs: ['34.1.1.1'],
        podCIDRs: ['10.4.0.0/24'],
        invalid: [
          'ExternalIP status.addresses[1].address=34.1.1.999 hides 4,6',
          'podCIDR spec.podCIDRs[1]=10.4.1.0/33 hides 6',
        ],
      },
    );
  });

  it('warns once per invalid value, naming the object and the field', () => {
    const snapshot = buildSnapshot(build(node('n').internalIP('banana'), pod('p').on('n').ip('10.4.0.7', 'nope')));
    expect(
      snapshot.warnings
        .filter((w) => w.code === 'ADDRESS_INVALID')
        .map((w) => [w.source?.kind, w.source?.name, w.data['field'], w.data['value']]),
    ).toEqual([
      ['Node', 'n', 'status.addresses[0].address', 'banana'],
      ['Pod', 'p', 'status.podIPs[1].ip', 'nope'],
    ]);
  });
});

describe('Pod status.podIPs', () => {
  it.each([
    [
      'a valid address then a word: the word hides IPv6',
      ['10.4.0.7', 'nope'],
      ['10.4.0.7'],
      ['podIP status.podIPs[1].ip=nope hides 6'],
    ],
    ['a word first hides both', ['nope', 'fd00::7'], ['fd00::7'], ['podIP status.podIPs[0].ip=nope hides 4,6']],
  ])('%s', (_name, ips, podIPs, expected) => {
    const info = buildSnapshot(
      build(
        pod('p')
          .on('n')
          .ip(...ips),
      ),
    ).pods[0]!;
    expect({ podIPs: info.podIPs, invalid: invalid(info.invalidAddresses) }).toEqual({ podIPs, invalid: expected });
  });
});

describe('CiliumNode spec.addresses', () => {
  it('keeps its own invalid values, warned about as the CiliumNode', () => {
    const gw = clusterNode('gw', '192.168.1.2', '10.0.2.0/24');
    const ciliumNode = {
      ...gw.ciliumNode,
      spec: {
        addresses: [
          { type: 'InternalIP', ip: '192.168.1.2' },
          { type: 'CiliumInternalIP', ip: 'x' },
        ],
        ipam: { podCIDRs: ['10.0.2.0/24'] },
      },
    };
    const snapshot = buildSnapshot([...build(ciliumAgent(), ciliumConfig({}), gw.node), ciliumNode]);
    expect(invalid(snapshot.datapath.cilium?.nodes[0]?.invalidAddresses)).toEqual([
      'CiliumInternalIP spec.addresses[1].ip=x hides 4,6',
    ]);
    expect(snapshot.warnings.filter((w) => w.code === 'ADDRESS_INVALID').map((w) => w.source)).toEqual([
      { kind: 'CiliumNode', name: 'gw' },
    ]);
  });
});
