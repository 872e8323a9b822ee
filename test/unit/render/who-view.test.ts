/**
 * who's table by workload: one row per workload and destination, in the order each first appears,
 * however its pods' decisions are interleaved with other workloads' — with the number of pods and
 * each column's distinct values, sorted.
 */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/model/decision.ts';
import { policySummary, renderWho, whoLegend } from '../../../src/render/who-view.ts';
import { destination } from '../../support/predict.ts';

const INTERNET = destination('8.8.8.8');
const PARTNER = destination('203.0.113.10');

function decision(app: string, i: number, to: typeof INTERNET): Decision {
  const node = `node-${i % 3}`;
  return {
    namespace: 'shop',
    pod: `${app}-${i}`,
    workload: { kind: 'Deployment', name: app },
    node,
    podIP: `10.244.${i % 3}.${i % 250}`,
    hostNetwork: false,
    destination: to,
    sourceIP: `172.16.0.${i % 3}`,
    sourceIPs: [`172.16.0.${i % 3}`],
    identity: 'node-ip',
    via: 'ip-masq-agent',
    policy: { verdict: 'allowed', decidedBy: [], reasons: [] },
    reasons: [{ code: 'MASQUERADED_TO_NODE_IP', data: { layer: 'ip-masq-agent', nodeIP: `172.16.0.${i % 3}` } }],
    warnings: [],
    trace: [],
  };
}

/** 300 web pods and 200 api pods, each to two destinations, every workload's decisions interleaved with the other's. */
function interleaved(): Decision[] {
  const decisions: Decision[] = [];
  for (let i = 0; i < 300; i++) {
    for (const to of [INTERNET, PARTNER]) {
      decisions.push(decision('web', i, to));
      if (i < 200) decisions.push(decision('api', i, to));
    }
  }
  return decisions;
}

/** The table's rows as cells (columns are at least three spaces apart; no cell holds three). */
function rows(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {3,}/));
}

describe('who by workload', () => {
  const [head, ...body] = rows(renderWho(interleaved(), { by: 'workload', wide: false }));
  const [wideHead, ...wideBody] = rows(renderWho(interleaved(), { by: 'workload', wide: true }));

  it('has one row per workload and destination, in the order each first appears', () => {
    expect(head).toEqual(['NAMESPACE', 'WORKLOAD', 'PODS', 'DESTINATION', 'SOURCE IP', 'VIA', 'POLICY']);
    expect(body.map((r) => `${r[1]} → ${r[3]}`)).toEqual([
      'Deployment/web → 8.8.8.8',
      'Deployment/api → 8.8.8.8',
      'Deployment/web → 203.0.113.10',
      'Deployment/api → 203.0.113.10',
    ]);
  });

  it.each([
    ['web to the internet', 0, '300'],
    ['api to the internet', 1, '200'],
    ['web to the partner', 2, '300'],
    ['api to the partner', 3, '200'],
  ])('counts every pod of %s once', (_name, row, pods) => {
    expect(body[row]![2]).toBe(pods);
  });

  it('lists each distinct source IP, VIA and policy verdict once, sorted', () => {
    expect(body.map((r) => r.slice(4))).toEqual(
      Array(4).fill(['172.16.0.0, 172.16.0.1, 172.16.0.2', 'ip-masq-agent', 'allowed']),
    );
  });

  it.each([
    ['IDENTITY', 'node-ip'],
    ['NODES', 'node-0, node-1, node-2'],
    ['GATEWAY', '<none>'],
    [
      'REASON',
      'masqueraded by ip-masq-agent to 172.16.0.0; masqueraded by ip-masq-agent to 172.16.0.1; masqueraded by ip-masq-agent to 172.16.0.2',
    ],
  ])('wide: lists each distinct %s once, sorted', (column, cell) => {
    const at = wideHead!.indexOf(column);
    expect(wideBody.map((r) => r[at])).toEqual(Array(4).fill(cell));
  });

  it('keeps the same rows and counts when wide', () => {
    expect(wideBody.map((r) => r.slice(0, 7))).toEqual(body);
  });
});

describe('who by workload, for a workload on many nodes', () => {
  const daemon = (i: number): Decision => ({
    ...decision('agent', i, INTERNET),
    node: `node-${String(i).padStart(2, '0')}`,
    sourceIP: `172.16.1.${i}`,
    sourceIPs: [`172.16.1.${i}`],
  });
  const [wideHead, row] = rows(
    renderWho(
      Array.from({ length: 40 }, (_, i) => daemon(i)),
      { by: 'workload', wide: true },
    ),
  );

  it.each([
    ['SOURCE IP', '172.16.1.0, 172.16.1.1, 172.16.1.10, 172.16.1.11, 172.16.1.12 (+35 more; --by pod lists each)'],
    ['NODES', 'node-00, node-01, node-02, node-03, node-04 (+35 more; --by pod lists each)'],
  ])('shows the first five distinct values of %s and how many more', (column, cell) => {
    expect(row![wideHead!.indexOf(column)]).toBe(cell);
  });
});

describe('who marks answers that rest on an assumption', () => {
  const offCloud = (d: Decision): Decision => ({
    ...d,
    warnings: [{ code: 'NO_NAT_ASSUMED_OFF_CLOUD', data: { node: d.node! } }],
  });

  it('marks the source IP of a row whose answer has a warning, not the others', () => {
    const table = renderWho([offCloud(decision('web', 0, INTERNET)), decision('api', 1, INTERNET)], {
      by: 'pod',
      wide: false,
    });
    expect(rows(table).map((r) => r[4])).toEqual(['SOURCE IP', '172.16.0.0*', '172.16.0.1']);
  });

  it('names each kind of assumption once in the legend, with how many more alike there are', () => {
    const legend = whoLegend([0, 1, 2, 3].map((i) => offCloud(decision('web', i, INTERNET))));
    expect(legend).toBe(
      '* the answer rests on an assumption (see explain or -o json):\n  node node-0 has no cloud providerID: assuming no NAT beyond the node (and 2 more like it)\n',
    );
  });

  it('has no legend when nothing is marked', () => {
    expect(whoLegend([decision('web', 0, INTERNET)])).toBe('');
  });
});

describe('who counts the egress policy verdicts under the table', () => {
  const withPolicy = (
    d: Decision,
    verdict: Decision['policy']['verdict'],
    decidedBy: Decision['policy']['decidedBy'] = [],
  ): Decision => ({ ...d, policy: { verdict, decidedBy, reasons: [] } });
  const rule = { kind: 'NetworkPolicy', namespace: 'shop', name: 'p', rule: 'egress[0]' };

  it('says nothing where no policy isolates any pod', () => {
    expect(policySummary([decision('web', 0, INTERNET), decision('api', 1, INTERNET)])).toBe('');
  });

  it('counts each verdict where a policy decides one, and points at explain where one is unknown', () => {
    const decisions = [
      withPolicy(decision('web', 0, INTERNET), 'allowed', [rule]),
      withPolicy(decision('web', 1, INTERNET), 'denied'),
      withPolicy(decision('api', 2, INTERNET), 'unknown'),
    ];
    expect(policySummary(decisions)).toBe(
      'Egress policy (pod and destination pairs): 1 allowed, 1 denied, 1 unknown (explain POD says why)\n',
    );
  });
});
