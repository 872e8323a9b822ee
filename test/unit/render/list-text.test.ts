/**
 * snapshot's List written an item at a time, items first and the rest after them: the text of
 * the whole List with `items` as its first key, and a List cut off before its end is no List.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ListText } from '../../../src/render/list-text.ts';
import { serialize } from '../../../src/render/serialize.ts';

const envelope = {
  apiVersion: 'v1',
  kind: 'List',
  metadata: { annotations: { 'kubectl-egress.io/read-gaps': '[{"resource":"configmaps","reason":"forbidden"}]' } },
};
const item = (i: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `web-${i}`, namespace: 'shop', labels: { app: 'web' } },
  status: { podIP: `10.4.0.${i}` },
});

function written(items: Record<string, unknown>[], format: 'json' | 'yaml'): { items: string; whole: string } {
  const text = new ListText(format);
  const pieces = items.map((i) => text.item(i)).join('');
  return { items: pieces, whole: pieces + text.end(envelope) };
}

describe('a List written an item at a time', () => {
  it.each([0, 1, 3])('is, in JSON, the whole List as serialize writes it with %i items first', (count) => {
    const items = Array.from({ length: count }, (_, i) => item(i));
    expect(written(items, 'json').whole).toBe(serialize({ items, ...envelope }, 'json'));
  });

  it.each([0, 1, 3])('reads back, in YAML, as the List with its %i items', (count) => {
    const items = Array.from({ length: count }, (_, i) => item(i));
    expect(parse(written(items, 'yaml').whole)).toEqual({ items, ...envelope });
  });

  it('is, in YAML with no items, the List as serialize writes it', () => {
    expect(written([], 'yaml').whole).toBe(serialize({ items: [], ...envelope }, 'yaml'));
  });

  it('writes a string on several lines as a block scalar, and reads it back the same', () => {
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { config: 'nonMasqueradeCIDRs:\n\n  - 10.0.0.0/8\n' },
    };
    const { whole } = written([item(1), configMap], 'yaml');
    expect(whole).toContain('config: |');
    expect(parse(whole)).toEqual({ items: [item(1), configMap], ...envelope });
  });

  it('cut off before its end, is in YAML a mapping with no kind, so no List', () => {
    expect(parse(written([item(1), item(2)], 'yaml').items)).toEqual({ items: [item(1), item(2)] });
  });

  it('cut off before its end, is in JSON no JSON at all', () => {
    expect(() => JSON.parse(written([item(1), item(2)], 'json').items) as unknown).toThrow(SyntaxError);
  });
});
