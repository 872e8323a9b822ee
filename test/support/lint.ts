/** Runs the real config + lint path on built objects, the way `kubectl egress lint -A` does. */
import type { KubeObject } from '../../src/model/objects.ts';
import type { LintFinding } from '../../src/model/lint.ts';
import { buildSnapshot, type SnapshotOptions } from '../../src/engine/snapshot.ts';
import { lint, type LintCode } from '../../src/engine/lint/index.ts';
import { selectPods } from '../../src/engine/select.ts';

export function lintOf(
  objects: KubeObject[],
  options: SnapshotOptions & { namespace?: string } = {},
): LintFinding<LintCode>[] {
  const snapshot = buildSnapshot(objects, options);
  const pods = selectPods(snapshot, {
    allNamespaces: options.namespace === undefined,
    selector: [],
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  return lint({ snapshot, pods });
}

/** `CODE Kind namespace/name key`: one finding as a line, for tables of expectations. */
export function brief(f: LintFinding): string {
  const { kind, namespace, name, key } = f.object;
  return [f.code, kind, namespace ? `${namespace}/${name}` : name, ...(key ? [key] : [])].join(' ');
}

export const briefs = (objects: KubeObject[], options?: Parameters<typeof lintOf>[1]) =>
  lintOf(objects, options).map(brief);
