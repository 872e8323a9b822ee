/**
 * Reading NetworkPolicy objects: the API server's defaults applied to `-f` input as it applies them
 * to live objects, and every field it would refuse (pkg/apis/networking/validation) marked, never guessed.
 */
import { describe, expect, it } from 'vitest';
import { networkPolicy } from '../../support/policy-builders.ts';

describe('reading a NetworkPolicy', () => {
  it.each([
    ['policyTypes [Egress]', networkPolicy('p').types('Egress'), true],
    ['policyTypes [Ingress]', networkPolicy('p').types('Ingress').egress({}), false],
    ['no policyTypes and egress rules', networkPolicy('p').egress({}), true],
    ['no policyTypes and an empty egress list', networkPolicy('p').set('egress', []), false],
    ['no policyTypes and no egress', networkPolicy('p'), false],
  ])('isolates egress with %s: %s', (_, policy, isolates) => {
    expect(policy.info().isolatesEgress).toBe(isolates);
  });

  it("defaults a port's protocol to TCP and keeps named ports and endPort", () => {
    const info = networkPolicy('p')
      .types('Egress')
      .egress({ ports: [{ port: 8000, endPort: 8100 }, { port: 'https' }, { protocol: 'UDP' }] })
      .info();
    expect(info.egress[0]?.ports).toEqual([
      { protocol: 'TCP', port: 8000, endPort: 8100 },
      { protocol: 'TCP', port: 'https' },
      { protocol: 'UDP' },
    ]);
  });

  it("reads an absent namespace selector as the policy's namespace and an empty one as every namespace", () => {
    const info = networkPolicy('p')
      .types('Egress')
      .egress({ to: [{ podSelector: { matchLabels: { app: 'db' } } }, { namespaceSelector: {} }] })
      .info();
    expect(info.egress[0]?.to).toEqual([
      { kind: 'pods', podSelector: [{ key: 'app', op: 'in', values: ['db'] }] },
      { kind: 'pods', namespaceSelector: [] },
    ]);
  });

  it.each([
    ['a CIDR that does not parse', { to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }, 'spec.egress[0].to[0].ipBlock.cidr'],
    [
      'an except outside its CIDR',
      { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] },
      'spec.egress[0].to[0].ipBlock.except[0]',
    ],
    [
      'an except equal to its CIDR',
      { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }] },
      'spec.egress[0].to[0].ipBlock.except[0]',
    ],
    [
      'an except of the other family',
      { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['fd00::/64'] } }] },
      'spec.egress[0].to[0].ipBlock.except[0]',
    ],
    [
      'an ipBlock beside a selector',
      { to: [{ ipBlock: { cidr: '10.0.0.0/16' }, podSelector: {} }] },
      'spec.egress[0].to[0]',
    ],
    ['a peer with nothing in it', { to: [{}] }, 'spec.egress[0].to[0]'],
    ['port 0', { ports: [{ port: 0 }] }, 'spec.egress[0].ports[0].port'],
    ['port 65536', { ports: [{ port: 65536 }] }, 'spec.egress[0].ports[0].port'],
    ['a port name that is all digits', { ports: [{ port: '80' }] }, 'spec.egress[0].ports[0].port'],
    ['endPort without a port', { ports: [{ endPort: 90 }] }, 'spec.egress[0].ports[0].endPort'],
    ['endPort with a named port', { ports: [{ port: 'http', endPort: 90 }] }, 'spec.egress[0].ports[0].endPort'],
    ['endPort below its port', { ports: [{ port: 90, endPort: 80 }] }, 'spec.egress[0].ports[0].endPort'],
    ['protocol ICMP', { ports: [{ protocol: 'ICMP' }] }, 'spec.egress[0].ports[0].protocol'],
    [
      'a selector with an unknown operator',
      { to: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Maybe' }] } }] },
      'spec.egress[0].to[0].podSelector',
    ],
  ])('marks %s as refused, with the field', (_, rule, field) => {
    const info = networkPolicy('p').types('Egress').egress(rule).info();
    expect([info.invalid?.field, info.egress, info.isolatesEgress]).toEqual([field, [], true]);
  });

  it('marks a pod selector it cannot read as refused, selecting every pod of the namespace', () => {
    const info = networkPolicy('p')
      .selecting({ matchExpressions: [{ key: 'a', operator: 'In' }] })
      .types('Egress')
      .info();
    expect([info.invalid?.field, info.podSelector]).toEqual(['spec.podSelector', []]);
  });
});
