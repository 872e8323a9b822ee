/**
 * Whether a set of labels matches a selector's requirements (model/selector.ts), however it was
 * written: kubectl's `-l`, a metav1.LabelSelector, a Calico selector.
 */
import type { LabelSelector } from '../../model/selector.ts';

export function matchesSelector(labels: Record<string, string>, selector: LabelSelector): boolean {
  return selector.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]!);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]!);
    }
  });
}
