/**
 * The bad-input corpus (issue 15, item 7): malformed variants of every object kind the tool reads,
 * and the named cases, through every command that takes -f, in-process. Whatever the
 * input, the answer is an exit code of 0–3 with one line of error at most: never exit 5, never
 * "internal error", never a stack trace.
 *
 * The quick run breaks every field of each kind's object in two ways, rotating through the
 * breakages; EGRESS_CORPUS_FULL=1 breaks every field in every way (minutes).
 * `verify` is not run: it connects to the cluster it probes before it reads -f, so without a
 * cluster no input reaches it (test/integration/verify.test.ts covers its pre-flight).
 */
import { describe, expect, it } from 'vitest';
import {
  bases,
  commandLines,
  runInProcess,
  STACK_FRAME,
  variants,
  type InProcessResult,
} from '../support/bad-input.ts';
import { NAMED_CASES } from '../support/bad-input-cases.ts';

const FULL = process.env['EGRESS_CORPUS_FULL'] === '1';

function expectHandled(result: InProcessResult): void {
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect([0, 1, 2, 3]).toContain(result.code);
}

describe('malformed variants of every object kind', () => {
  for (const base of bases()) {
    describe(base.kind, () => {
      const commands = commandLines(base.pod);
      for (const variant of variants(base, { full: FULL, perField: 2 })) {
        for (const [command, args] of commands) {
          const key = `${variant.name} | ${command}`;
          it(key, async () => expectHandled(await runInProcess(args, variant.text)));
        }
      }
    });
  }
});

describe("the issue's named bad inputs", () => {
  for (const named of NAMED_CASES) {
    const commands = named.args ? [[named.args[0]!, named.args] as [string, string[]]] : commandLines(named.pod);
    for (const [command, args] of commands) {
      const key = `${named.name} | ${command}`;
      it(key, async () => {
        const result = await runInProcess(args, named.text);
        expectHandled(result);
        if (named.exit !== undefined) expect(result.code).toBe(named.exit);
      });
    }
  }
});

describe('the corpus itself', () => {
  it('breaks an object of every kind the tool reads', () => {
    expect(
      bases()
        .map((b) => b.kind.split(' ')[1])
        .sort(),
    ).toEqual(
      expect.arrayContaining([
        'CiliumEgressGatewayPolicy',
        'CiliumEndpoint',
        'CiliumNode',
        'ConfigMap',
        'DaemonSet',
        'EgressGatewayPolicy',
        'EgressNATPolicy',
        'FelixConfiguration',
        'IPPool',
        'Job',
        'Namespace',
        'Node',
        'Pod',
        'ReplicaSet',
      ]),
    );
  });

  it('starts from clusters every command answers, so the variants get past the arguments', async () => {
    const refused: string[] = [];
    for (const base of bases()) {
      const intact = base.objects.map((o) => JSON.stringify(o)).join('\n---\n');
      for (const [command, args] of commandLines(base.pod)) {
        const result = await runInProcess(args, intact);
        if (result.code > 1) refused.push(`${base.kind} ${command}: ${result.code} ${result.stderr}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('changes the object it breaks in every variant, and breaks every kind more than once', () => {
    for (const base of bases()) {
      const intact = base.objects.map((o) => JSON.stringify(o)).join('\n---\n');
      const made = variants(base, { full: FULL, perField: 2 });
      expect(made.length, base.kind).toBeGreaterThan(4);
      expect(made.filter((v) => v.text === intact).map((v) => v.name)).toEqual([]);
    }
  });
});
