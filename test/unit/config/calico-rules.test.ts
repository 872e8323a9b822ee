/**
 * Calico rules as felix matches them: the selectors scoped as libcalico-go's syncer scopes them
 * (updateprocessors/rules.go getEndpointSelector, parseServiceAccounts), the port and protocol
 * forms of api/pkg/lib/numorstring, and what the validator refuses.
 */
import { describe, expect, it } from 'vitest';
import { calicoRule } from '../../../src/config/calico-rules.ts';
import { Refused } from '../../../src/config/network-policies.ts';

/** `namespace` null: a GlobalNetworkPolicy's rule. */
const dst = (destination: Record<string, unknown>, namespace: string | null = 'shop') =>
  calicoRule({ action: 'Allow', destination }, 'spec.egress[0]', namespace ?? undefined).destination;

describe("a rule's destination selector, scoped as the syncer scopes it", () => {
  it.each([
    [
      "a NetworkPolicy's selector stays in its namespace",
      { selector: "app == 'db'" },
      'shop',
      {
        op: 'and',
        operands: [
          { op: '==', key: 'projectcalico.org/namespace', value: 'shop' },
          { op: '==', key: 'app', value: 'db' },
        ],
      },
    ],
    ["a GlobalNetworkPolicy's does not", { selector: "app == 'db'" }, null, { op: '==', key: 'app', value: 'db' }],
    [
      'a namespaceSelector reads pcns. labels',
      { namespaceSelector: "team == 'x'" },
      'shop',
      { op: '==', key: 'pcns.team', value: 'x' },
    ],
    [
      'namespaceSelector all() is any namespaced endpoint',
      { namespaceSelector: 'all()' },
      null,
      { op: 'has', key: 'projectcalico.org/namespace' },
    ],
    [
      'namespaceSelector global() is none',
      { namespaceSelector: 'global()' },
      null,
      { op: 'not', operand: { op: 'has', key: 'projectcalico.org/namespace' } },
    ],
    [
      'a notSelector alone scopes the rule to the namespace',
      { notSelector: "app == 'db'" },
      'shop',
      { op: '==', key: 'projectcalico.org/namespace', value: 'shop' },
    ],
    [
      'serviceAccounts: names and a pcsa. selector',
      { serviceAccounts: { names: ['a', 'b'], selector: "role == 'x'" } },
      null,
      {
        op: 'and',
        operands: [
          { op: '==', key: 'pcsa.role', value: 'x' },
          { op: 'in', key: 'projectcalico.org/serviceaccount', values: ['a', 'b'] },
        ],
      },
    ],
    ['nets alone select no endpoints', { nets: ['10.0.0.0/8'] }, 'shop', undefined],
  ])('%s', (_, destination, namespace, selector) => {
    expect(dst(destination, namespace).selector).toEqual(selector);
  });

  it('leaves notSelector unscoped', () => {
    expect(dst({ notSelector: "app == 'db'" }).notSelector).toEqual({ op: '==', key: 'app', value: 'db' });
  });
});

describe('ports and protocols', () => {
  it.each([
    [[443], [{ first: 443, last: 443 }]],
    [['443'], [{ first: 443, last: 443 }]],
    [['8000:8100'], [{ first: 8000, last: 8100 }]],
    [['https'], [{ name: 'https' }]],
  ])('%j', (ports, expected) => {
    expect(dst({ ports }).ports).toEqual(expected);
  });

  it.each([
    ['TCP', 6],
    ['udp', 17],
    ['SCTP', 132],
    ['ICMPv6', 58],
    [17, 17],
    ['132', 132],
  ])('protocol %s is %i', (protocol, number) => {
    expect(calicoRule({ action: 'Allow', protocol }, 'r', undefined).protocol).toBe(number);
  });
});

describe('what the validator refuses', () => {
  it.each([
    ['an unknown action', { action: 'Reject' }],
    ['no action', {}],
    ['a protocol out of range', { action: 'Allow', protocol: 256 }],
    ['an unknown protocol name', { action: 'Allow', protocol: 'GRE' }],
    ['ipVersion 5', { action: 'Allow', ipVersion: 5 }],
    ['a bad net', { action: 'Allow', destination: { nets: ['10.0.0.0/33'] } }],
    ['a range backwards', { action: 'Allow', destination: { ports: ['90:80'] } }],
    ['a port out of range', { action: 'Allow', destination: { ports: [70000] } }],
    ['a selector that does not parse', { action: 'Allow', destination: { selector: 'app == db' } }],
    ['a rule that is not a map', 'Allow'],
  ])('%s', (_, rule) => {
    expect(() => calicoRule(rule, 'spec.egress[0]', 'shop')).toThrow(Refused);
  });
});
