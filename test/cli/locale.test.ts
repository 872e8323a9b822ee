/**
 * Answers come in one order whatever the user's locale: names are ordered by English collation
 * (src/config/text-order.ts), where String.prototype.localeCompare followed LANG.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { build, node, pod } from '../support/builders.ts';
import { runPlugin } from '../support/plugin.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubectl-egress-locale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Names that Danish (aa after z), Estonian (z after s) and Lithuanian (y before j) order otherwise. */
const file = join(dir, 'cluster.yaml');
writeFileSync(
  file,
  stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: build(
      node('node-z1').internalIP('10.0.0.4'),
      node('node-y1').internalIP('10.0.0.3'),
      node('node-s1').internalIP('10.0.0.2'),
      node('node-j1').internalIP('10.0.0.1'),
      ...['z-team', 'ab-team', 'aa-team'].flatMap((namespace) =>
        ['web-z', 'web-y', 'web-s', 'web-j'].map((name, i) =>
          pod(name, namespace)
            .on(`node-${name.slice(-1)}1`)
            .ip(`10.1.${i}.${namespace.length + i}`),
        ),
      ),
    ),
  }),
);

async function answer(locale: string): Promise<string> {
  const result = await runPlugin(['who', '-A', '-f', file, '-o', 'json', '--to', '8.8.8.8'], {
    env: { ...process.env, LANG: locale, LC_ALL: locale },
  });
  expect([result.code, result.stderr]).toEqual([0, '']);
  return result.stdout;
}

describe('the order of answers', () => {
  it.each(['da_DK.UTF-8', 'et_EE.UTF-8', 'lt_LT.UTF-8'])('is the same under %s as under C', async (locale) => {
    const [c, other] = await Promise.all([answer('C'), answer(locale)]);
    expect(other).toBe(c);
    const items = (JSON.parse(c) as { items: { namespace: string; pod: string }[] }).items;
    expect(items.map((i) => `${i.namespace}/${i.pod}`).slice(0, 5)).toEqual([
      'aa-team/web-j',
      'aa-team/web-s',
      'aa-team/web-y',
      'aa-team/web-z',
      'ab-team/web-j',
    ]);
  });
});
