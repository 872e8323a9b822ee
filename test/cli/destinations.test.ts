/**
 * `--to` the pod's own host, and `--nat-ip` of another family, through the entry point in-process
 * with an injected resolver: no name is ever sent to this machine's resolver.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/entry/main.ts';
import type { Io } from '../../src/cli/io.ts';

const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');
const ipv6Pods = join(import.meta.dirname, '..', 'scenarios', 'aws-vpc-cni-ipv6-v4-egress', 'objects.yaml');

async function run(argv: string[], resolve: Record<string, string[]> = {}) {
  const out = { stdout: '', stderr: '', looked: [] as string[] };
  const io: Io = {
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    lookup: async (hostname) => {
      out.looked.push(hostname);
      const found = resolve[hostname];
      if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return found;
    },
    readStdin: async () => '',
    signal: new AbortController().signal,
    hold: () => () => {},
    stderrIsTTY: false,
  };
  const code = await main(argv, io);
  return { code, ...out };
}

describe("--to the pod's own host", () => {
  it.each(['127.0.0.1', '127.0.0.0/8', '::1', '0.0.0.0', '::', '::ffff:127.0.0.1'])(
    'refuses %s: that traffic never leaves the pod (usage error)',
    async (to) => {
      const result = await run(['who', '-n', 'shop', '-f', example, '--to', to]);
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
      expect(result.stderr).toContain('loopback');
    },
  );

  it('refuses localhost without asking a resolver', async () => {
    const result = await run(['who', '-n', 'shop', '-f', example, '--to', 'localhost']);
    expect({ code: result.code, looked: result.looked }).toEqual({ code: 2, looked: [] });
    expect(result.stderr).toContain('loopback');
  });

  it('refuses a name that resolves to loopback here, naming it', async () => {
    const result = await run(['who', '-n', 'shop', '-f', example, '--to', 'db.internal.example'], {
      'db.internal.example': ['127.0.1.1'],
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"db.internal.example" resolves to 127.0.1.1');
  });

  it('resolves a name with the injected resolver and reports each address under the name', async () => {
    const named = await run(['who', '-n', 'shop', '-f', example, '--to', 'api.partner.example', '-o', 'json'], {
      'api.partner.example': ['203.0.113.10', '203.0.113.11'],
    });
    expect({ code: named.code, looked: named.looked }).toEqual({ code: 0, looked: ['api.partner.example'] });
    const items = (JSON.parse(named.stdout) as { items: { destination: string; destinationName: string }[] }).items;
    expect(new Set(items.map((i) => `${i.destinationName} ${i.destination}`))).toEqual(
      new Set(['api.partner.example 203.0.113.10', 'api.partner.example 203.0.113.11']),
    );
  });

  it('answers a range that merely contains loopback', async () => {
    expect((await run(['who', '-n', 'shop', '-f', example, '--to', '126.0.0.0/7', '-o', 'json'])).code).toBe(0);
  });
});

describe('--nat-ip of the other family', () => {
  const reasons = async (to: string, natIP: string) => {
    const result = await run(['who', '-A', '-f', ipv6Pods, '--to', to, '--nat-ip', natIP, '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      items: { sourceIP: string | null; identity: string; reasons: { code: string }[] }[];
    };
    return report.items.map((i) => ({ sourceIP: i.sourceIP, identity: i.identity, last: i.reasons.at(-1)?.code }));
  };

  it.each([
    [
      'an IPv4 --nat-ip answers an IPv4 destination',
      '8.8.8.8',
      '3.3.3.3',
      { sourceIP: '3.3.3.3', identity: 'nat', last: 'NAT_IP_GIVEN' },
    ],
    [
      'an IPv6 --nat-ip is not claimed for an IPv4 destination',
      '8.8.8.8',
      '2001:db8::9',
      { sourceIP: null, identity: 'unknown', last: 'NAT_IP_OTHER_FAMILY' },
    ],
    [
      'an IPv4 --nat-ip is not claimed for an IPv6 one (the NAT64 prefix)',
      '64:ff9b::808:808',
      '3.3.3.3',
      { sourceIP: null, identity: 'unknown', last: 'NAT_IP_OTHER_FAMILY' },
    ],
    [
      'an IPv6 --nat-ip answers an IPv6 destination',
      '64:ff9b::808:808',
      '2001:db8::9',
      { sourceIP: '2001:db8::9', identity: 'nat', last: 'NAT_IP_GIVEN' },
    ],
  ])('%s', async (_name, to, natIP, expected) => {
    expect(await reasons(to, natIP)).toEqual([expected]);
  });
});
