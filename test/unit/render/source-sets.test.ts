/**
 * How the outputs show an answer that is a set (design §5 `sourceIPs`): who's table lists up to
 * three addresses joined by `,` and counts the rest, explain lists them all, verify's table shows
 * the set it compared against, and every JSON item carries `sourceIPs`.
 */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/model/decision.ts';
import type { Verdict } from '../../../src/model/verification.ts';
import { renderExplain } from '../../../src/render/explain-view.ts';
import { reportItem } from '../../../src/render/report.ts';
import { renderVerify, verificationReport } from '../../../src/render/verify-view.ts';
import { renderWho } from '../../../src/render/who-view.ts';
import { destination } from '../../support/predict.ts';

function decision(
  pod: string,
  sourceIP: string | null,
  sourceIPs: string[],
  identity: Decision['identity'] = 'egress-ip',
): Decision {
  return {
    namespace: 'prod',
    pod,
    workload: { kind: 'Deployment', name: pod },
    node: 'n1',
    podIP: '10.128.0.7',
    hostNetwork: false,
    destination: destination('203.0.113.50'),
    sourceIP,
    sourceIPs,
    identity,
    via: 'ovn-kubernetes',
    policy: { verdict: 'allowed', decidedBy: [], reasons: [] },
    reasons: [],
    warnings: [],
    trace: [],
  };
}

const SET_OF = (n: number) => Array.from({ length: n }, (_, i) => `192.0.2.${10 + i}`);

/** The SOURCE IP cell of who's --by pod table for one decision. */
function whoCell(d: Decision): string {
  const [, row] = renderWho([d], { by: 'pod', wide: false }).trimEnd().split('\n');
  return row!.split(/ {3,}/)[4]!;
}

describe("who's SOURCE IP cell", () => {
  it.each([
    ['one address', decision('a', '192.0.2.10', ['192.0.2.10']), '192.0.2.10'],
    ['a set of two', decision('a', null, SET_OF(2)), '192.0.2.10,192.0.2.11'],
    ['a set of three', decision('a', null, SET_OF(3)), '192.0.2.10,192.0.2.11,192.0.2.12'],
    ['a set of sixteen (an egress prefix)', decision('a', null, SET_OF(16)), '192.0.2.10,192.0.2.11,192.0.2.12 (+13)'],
    ['no address', decision('a', null, [], 'unknown'), '<unknown>'],
  ])('shows %s', (_name, d, cell) => {
    expect(whoCell(d)).toBe(cell);
  });

  it("keeps a set one value among the distinct values of a workload's pods", () => {
    const table = renderWho(
      [decision('web', null, SET_OF(2)), { ...decision('web', '192.0.2.99', ['192.0.2.99']), pod: 'web-2' }],
      { by: 'workload', wide: false },
    );
    expect(table).toContain('192.0.2.10,192.0.2.11, 192.0.2.99');
  });
});

describe("explain's result", () => {
  it('lists every address of a set, however many', () => {
    expect(renderExplain([decision('a', null, SET_OF(16))])).toContain(
      `Result:       one of ${SET_OF(16).join(', ')} per connection (identity egress-ip, via ovn-kubernetes)`,
    );
  });

  it('shows one address as before', () => {
    expect(renderExplain([decision('a', '192.0.2.10', ['192.0.2.10'])])).toContain(
      'Result:       192.0.2.10 (identity egress-ip, via ovn-kubernetes)',
    );
  });
});

describe('the JSON item', () => {
  it.each([
    ['a set', decision('a', null, SET_OF(2)), null, SET_OF(2)],
    ['one address', decision('a', '192.0.2.10', ['192.0.2.10']), '192.0.2.10', ['192.0.2.10']],
    ['no address', decision('a', null, [], 'unknown'), null, []],
  ])('carries sourceIP and sourceIPs for %s', (_name, d, sourceIP, sourceIPs) => {
    expect(reportItem(d)).toMatchObject({ sourceIP, sourceIPs });
  });
});

describe('verify with a predicted set', () => {
  const d = decision('a', null, SET_OF(2));
  const verdict: Verdict = {
    plan: {
      namespace: 'prod',
      pod: 'a',
      node: 'n1',
      labels: {},
      annotations: {},
      serviceAccount: 'default',
      decision: d,
      members: ['a'],
    },
    observation: {
      sourceIP: '192.0.2.11',
      code: 'OBSERVED',
      detail: '',
      probe: { name: 'p', node: 'n1', podIP: '10.128.0.9' },
    },
    expected: null,
    expectedSet: SET_OF(2),
    verdict: 'match',
    code: 'OBSERVED_AS_PREDICTED',
  };

  it('shows the whole set as the prediction', () => {
    const [, row] = renderVerify([verdict]).split('\n');
    expect(row!.split(/ {3,}/).slice(3, 6)).toEqual(['192.0.2.10,192.0.2.11', '192.0.2.11', 'match']);
  });

  it('reports the set it compared against', () => {
    const [item] = verificationReport([verdict])['items'] as Record<string, unknown>[];
    expect(item!['predicted']).toEqual({ sourceIP: null, sourceIPs: SET_OF(2), identity: 'egress-ip' });
  });
});
