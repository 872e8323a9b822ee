/**
 * A report written piece by piece is byte for byte the report serialized whole, whatever the
 * number of items — including enough of them to be written in several pieces.
 */
import { describe, expect, it } from 'vitest';
import { serialize, writeReport } from '../../../src/render/serialize.ts';

const envelope = {
  apiVersion: 'kubectl-egress/v1alpha1',
  kind: 'EgressReport',
  datapath: { mechanisms: ['cilium'] },
  items: [],
  warnings: ['a "quoted" warning'],
};
const item = (i: number) => ({
  namespace: 'shop',
  pod: `web-${i}`,
  podIP: `10.0.${i % 250}.7`,
  reasons: [{ code: 'POD_IP', data: { podIP: '10.0.0.7' } }],
  warnings: [],
  gateway: i % 2 ? { node: 'n1' } : undefined,
});

function written(count: number, format: 'json' | 'yaml'): { pieces: string[]; text: string } {
  const pieces: string[] = [];
  writeReport({ envelope, items: Array.from({ length: count }, (_, i) => item(i)) }, format, (text) =>
    pieces.push(text),
  );
  return { pieces, text: pieces.join('') };
}

describe('writeReport', () => {
  it.each([0, 1, 3, 20_000])('writes %i items as serialize writes the whole report', (count) => {
    const whole = serialize({ ...envelope, items: Array.from({ length: count }, (_, i) => item(i)) }, 'json');
    expect(written(count, 'json').text).toBe(whole);
  });

  it('writes a large report in more than one piece', () => {
    expect(written(20_000, 'json').pieces.length).toBeGreaterThan(1);
  });

  it('writes YAML whole, as serialize does', () => {
    expect(written(3, 'yaml').text).toBe(
      serialize({ ...envelope, items: Array.from({ length: 3 }, (_, i) => item(i)) }, 'yaml'),
    );
  });
});
