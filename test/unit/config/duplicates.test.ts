/**
 * The same object twice in -f input: read once with a warning when the copies agree on what the
 * tool reads, an input error naming both places when they do not.
 */
import { describe, expect, it } from 'vitest';
import { deduplicate } from '../../../src/config/duplicates.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { node, pod } from '../../support/builders.ts';

const web = pod('web-1', 'shop').on('n1').ip('10.4.0.7').build();
const place = (i: number) => `f.yaml: document 1, items[${i}]`;

function run(...objects: KubeObject[]) {
  return deduplicate(
    objects,
    objects.map((_, i) => place(i)),
  );
}

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

describe('duplicate objects in -f input', () => {
  it('keeps objects that differ in kind, namespace, name or API group', () => {
    const others = [
      pod('web-1', 'other').on('n1').ip('10.4.0.8').build(),
      pod('web-2', 'shop').on('n1').ip('10.4.0.9').build(),
      { ...web, kind: 'Node' },
      { ...web, apiVersion: 'example.com/v1' },
    ];
    expect(run(web, ...others)).toEqual({ objects: [web, ...others], warnings: [], problems: [] });
  });

  it.each([
    ['an identical copy', structuredClone(web)],
    [
      'a copy that differs only in fields the tool does not read',
      { ...structuredClone(web), metadata: { ...web.metadata, resourceVersion: '42', managedFields: [] } },
    ],
    ['a copy with its keys in another order', reversedKeys(web) as KubeObject],
  ])('reads %s once, with a warning naming both places', (_name, copy) => {
    const result = run(web, copy);
    expect(result.objects).toEqual([web]);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      `${place(1)}: Pod shop/web-1 repeats ${place(0)} (the same in every field kubectl egress reads); reading it once`,
    ]);
  });

  it.each([
    ['another pod IP', pod('web-1', 'shop').on('n1').ip('10.4.0.99').build()],
    ['another version of the same group', { ...structuredClone(web), apiVersion: 'v2' }],
  ])('refuses a copy with %s, naming both places', (_name, copy) => {
    const result = run(web, copy);
    expect(result.problems).toEqual([
      `${place(1)}: Pod shop/web-1 is also at ${place(0)}, with different content; remove one of them (which one is true decides the answer)`,
    ]);
  });

  it('names a cluster-scoped object without a namespace', () => {
    const n1 = node('n1').internalIP('10.0.0.1').build();
    expect(run(n1, node('n1').internalIP('10.0.0.2').build()).problems[0]).toContain(': Node n1 is also at');
  });
});
