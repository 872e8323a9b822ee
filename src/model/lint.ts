/**
 * lint's findings (design §7): configuration mistakes that change egress identity. Each has a
 * stable code, a severity fixed per code, the object to change and the values its message and fix
 * are rendered from (render/lint-messages.ts). The checks declare their codes (engine/lint/index.ts).
 */
import type { ObjectRef } from './objects.ts';

/** Most severe first: `--fail-on warning` fails on warnings and errors. */
export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface LintFinding<Code extends string = string> {
  code: Code;
  severity: Severity;
  /** The object to change: kind/namespace/name, and the ConfigMap key where it matters. */
  object: ObjectRef;
  data: Record<string, string>;
}
