/**
 * Runs every scenario folder through the real entry point (`plugin/kubectl-egress who -A -f
 * objects.yaml -o json`) and checks each decision against expected.yaml — exactly the listed
 * pod/destination pairs, with their source IP, identity, via, reason codes and warning codes.
 * `sourceIPs` (design §5) is listed where the answer is a set; elsewhere it must be `[sourceIP]`,
 * or empty where sourceIP is null. `policy` (design §5) is listed where egress policy takes part;
 * elsewhere it must be `allowed` because no policy isolates the pod. `to` may carry `:PORT/PROTO`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runPlugin } from './support/plugin.ts';

interface ExpectedDecision {
  pod: string;
  to: string;
  sourceIP: string | null;
  /** Only where the answer is a set (sourceIP null, several addresses). */
  sourceIPs?: string[];
  identity: string;
  via: string;
  reasons: string[];
  warnings: string[];
  /** The egress gateway node, when a policy sends the traffic through one. */
  gateway?: string;
  /** The egress policy verdict, its reason codes and the rules that decided (`Kind ns/name rule`). */
  policy?: { verdict: string; reasons: string[]; decidedBy?: string[] };
}

interface Expected {
  description: string;
  flags?: { natIP?: string; noDefaultSnat?: boolean; vpcCIDRs?: string[]; datapath?: string };
  snapshotWarnings: string[];
  decisions: ExpectedDecision[];
}

interface ReportItem {
  namespace: string;
  pod: string;
  destination: string;
  sourceIP: string | null;
  sourceIPs: string[];
  identity: string;
  via: string;
  reasons: { code: string }[];
  warnings: { code: string }[];
  gateway?: { node: string };
  port: number | null;
  protocol: string;
  policy: {
    verdict: string;
    reasons: { code: string }[];
    decidedBy: { kind: string; namespace?: string; name: string; rule: string }[];
  };
}

const NOT_ISOLATED = { verdict: 'allowed', reasons: ['NETPOL_NOT_ISOLATED'], decidedBy: [] };

/** The destination as `--to` writes it: the address, `:PORT` (IPv6 in brackets), `/PROTO` unless TCP. */
function toText(i: ReportItem): string {
  const host = i.port !== null && i.destination.includes(':') ? `[${i.destination}]` : i.destination;
  return `${host}${i.port !== null ? `:${i.port}` : ''}${i.protocol === 'TCP' ? '' : `/${i.protocol}`}`;
}

const root = join(import.meta.dirname, 'scenarios');
// Folders with an expected.yaml of decisions are `who` scenarios; allowlist-* and lint-* have their own runners.
const scenarios = readdirSync(root)
  .filter(
    (name) =>
      existsSync(join(root, name, 'expected.yaml')) &&
      'decisions' in (parse(readFileSync(join(root, name, 'expected.yaml'), 'utf8')) as object),
  )
  .sort();

describe('scenarios', () => {
  it('has scenario folders to run', () => {
    expect(scenarios.length).toBeGreaterThan(10);
  });

  describe.each(scenarios)('%s', (name) => {
    const expected = parse(readFileSync(join(root, name, 'expected.yaml'), 'utf8')) as Expected;
    const args = [
      'who',
      '-A',
      '-f',
      join(root, name, 'objects.yaml'),
      '-o',
      'json',
      ...[...new Set(expected.decisions.map((d) => String(d.to)))].flatMap((to) => ['--to', to]),
      ...(expected.flags?.natIP ? ['--nat-ip', expected.flags.natIP] : []),
      ...(expected.flags?.noDefaultSnat ? ['--no-default-snat'] : []),
      ...(expected.flags?.vpcCIDRs ?? []).flatMap((c) => ['--vpc-cidr', c]),
      ...(expected.flags?.datapath ? ['--datapath', expected.flags.datapath] : []),
    ];

    it(expected.description, async () => {
      const result = await runPlugin(args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as { items: ReportItem[]; warningDetails: { code: string }[] };
      const actual = report.items.map((i) => ({
        pod: `${i.namespace}/${i.pod}`,
        to: toText(i),
        sourceIP: i.sourceIP,
        sourceIPs: i.sourceIPs,
        identity: i.identity,
        via: i.via,
        reasons: i.reasons.map((r) => r.code),
        warnings: i.warnings.map((w) => w.code),
        gateway: i.gateway?.node,
        policy: {
          verdict: i.policy.verdict,
          reasons: i.policy.reasons.map((r) => r.code),
          decidedBy: i.policy.decidedBy.map(
            (p) => `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name} ${p.rule}`,
          ),
        },
      }));
      const wanted = expected.decisions.map((d) => ({
        ...d,
        to: String(d.to),
        gateway: d.gateway,
        sourceIPs: d.sourceIPs ?? (d.sourceIP === null ? [] : [d.sourceIP]),
        policy: d.policy ? { decidedBy: [], ...d.policy } : NOT_ISOLATED,
      }));
      const key = (d: { pod: string; to: string }) => `${d.pod} → ${d.to}`;
      expect(actual.map(key).sort()).toEqual(wanted.map(key).sort());
      for (const want of wanted) expect(actual.find((a) => key(a) === key(want))).toEqual(want);
      expect(report.warningDetails.map((w) => w.code).sort()).toEqual([...expected.snapshotWarnings].sort());
    });
  });
});
