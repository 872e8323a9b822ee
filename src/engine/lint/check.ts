/**
 * The one shape every lint check has (typescript-eslint's rule modules: an id, the codes it
 * reports, a pure function). A check reads the snapshot, never guesses: where the input cannot
 * show whether something is wrong, it reports nothing and says why in a comment.
 */
import type { LintFinding, Severity } from '../../model/lint.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import type { Query } from '../../model/decision.ts';
import type { IpRange } from '../../model/net.ts';
import type { EngineContext } from '../core/context.ts';

export interface LintInput {
  snapshot: Snapshot;
  /** The pods -n/-A/-l selected; checks about pods look only at these. */
  pods: readonly PodInfo[];
  /** An allowlist a firewall at these destinations holds (lint --allowed … --to …), to check against. */
  allowlist?: { query: Query; allowed: readonly IpRange[] };
}

/** What a check is handed: the input, and one engine context for the run (the engine's indexes). */
export interface CheckInput extends LintInput {
  ctx: EngineContext;
}

export type Report<Code extends string> = (code: Code, object: ObjectRef, data: Record<string, string>) => void;

export interface LintCheck<Code extends string> {
  id: string;
  /** Every code the check reports, each with its one severity (README lists them). */
  codes: Readonly<Record<Code, Severity>>;
  /** Where the behaviour it checks comes from, for readers of the code. */
  upstream: string;
  run(input: CheckInput, report: Report<Code>): void;
}

/** Keeps a check's codes as literal types, so the registry and the messages table see each one. */
export function defineCheck<const Code extends string>(check: LintCheck<Code>): LintCheck<Code> {
  return check;
}

/** Runs one check and attaches each finding's severity from the check's own table. */
export function runCheck<Code extends string>(check: LintCheck<Code>, input: CheckInput): LintFinding<Code>[] {
  const found: LintFinding<Code>[] = [];
  check.run(input, (code, object, data) => found.push({ code, severity: check.codes[code], object, data }));
  return found;
}
