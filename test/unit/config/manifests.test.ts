import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/config/manifests.ts';

describe('reading objects from -f files', () => {
  it.each([
    ['a single object', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}', 1],
    [
      'multi-document YAML',
      'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}',
      2,
    ],
    ['a kind: List', 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: n1}}', 1],
    [
      'kubectl get output (a NodeList)',
      '{"apiVersion":"v1","kind":"NodeList","items":[{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}}]}',
      1,
    ],
    ['an empty file', '', 0],
  ])('reads %s', (_name, text, count) => {
    const parsed = parseManifests(text, 'f.yaml');
    expect(parsed.problems).toEqual([]);
    expect(parsed.objects).toHaveLength(count);
  });

  it.each([
    ['broken YAML', 'kind: [', 'f.yaml: document 1: invalid YAML'],
    ['an object without kind', 'apiVersion: v1\nmetadata: {name: x}', 'f.yaml: document 1: object is missing kind'],
    [
      'an object without a name',
      'apiVersion: v1\nkind: Pod\nmetadata: {}',
      'f.yaml: document 1: Pod is missing metadata.name',
    ],
    [
      'a List item without apiVersion',
      'kind: List\napiVersion: v1\nitems:\n- {kind: Pod, metadata: {name: x}}',
      'f.yaml: document 1, items[0]: Pod is missing apiVersion',
    ],
    ['a scalar document', 'hello', 'f.yaml: document 1: expected a Kubernetes object'],
    [
      'a ConfigMap with a non-string value',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {n: 5}',
      'data values must be strings',
    ],
  ])('reports %s with file and document', (_name, text, problem) => {
    expect(parseManifests(text, 'f.yaml').problems[0]).toContain(problem);
  });
});

describe('read gaps recorded by kubectl egress snapshot', () => {
  it('reads them from the List annotation', () => {
    const text =
      'apiVersion: v1\nkind: List\nmetadata:\n  annotations:\n    kubectl-egress.io/read-gaps: \'[{"resource":"configmaps","namespace":"kube-system","reason":"forbidden"}]\'\nitems: []';
    expect(parseManifests(text, 'snap.yaml')).toEqual({
      objects: [],
      places: [],
      problems: [],
      allPods: false,
      gaps: [{ resource: 'configmaps', namespace: 'kube-system', reason: 'forbidden' }],
    });
  });

  it('reads from the List annotation that a snapshot holds every pod of the cluster, and only from "true"', () => {
    const list = (value: string) =>
      `apiVersion: v1\nkind: List\nmetadata:\n  annotations:\n    kubectl-egress.io/all-pods: "${value}"\nitems: []`;
    expect([
      parseManifests(list('true'), 'snap.yaml').allPods,
      parseManifests(list('yes'), 'snap.yaml').allPods,
      parseManifests('apiVersion: v1\nkind: List\nitems: []', 'snap.yaml').allPods,
    ]).toEqual([true, false, false]);
  });

  it('keeps a resource served only at a version the tool does not know, with that version', () => {
    const text =
      'apiVersion: v1\nkind: List\nmetadata:\n  annotations:\n    kubectl-egress.io/read-gaps: \'[{"resource":"ciliumnodes.cilium.io","reason":"unknown-version","served":"v3"}]\'\nitems: []';
    expect(parseManifests(text, 'snap.yaml').gaps).toEqual([
      { resource: 'ciliumnodes.cilium.io', reason: 'unknown-version', served: 'v3' },
    ]);
  });

  it('reports an annotation that is not a list of gaps', () => {
    const text =
      'apiVersion: v1\nkind: List\nmetadata: {annotations: {kubectl-egress.io/read-gaps: "nope"}}\nitems: []';
    expect(parseManifests(text, 'snap.yaml').problems).toEqual([
      'snap.yaml: document 1: annotation kubectl-egress.io/read-gaps is not a list of read gaps',
    ]);
  });
});
