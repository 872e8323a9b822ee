/**
 * `kubectl egress …` completed by the real kubectl (built from its Go module; scripts/test.mjs passes
 * its path): kubectl ≥ 1.26 finds plugin/kubectl_complete-egress on PATH and relays its answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCompletion } from './support/completion.ts';
import { PLUGIN, runPlugin } from './support/plugin.ts';

const kubectl = process.env['KUBECTL'];
const home = mkdtempSync(join(tmpdir(), 'egress-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function kubectlComplete(words: string[]) {
  if (!kubectl)
    throw new Error('KUBECTL is not set: run the suite with `npm test`, which builds kubectl from its Go module');
  const env = {
    ...process.env,
    HOME: home,
    KUBECONFIG: '',
    PATH: [dirname(PLUGIN), dirname(kubectl), '/usr/bin', '/bin'].join(delimiter),
  };
  const result = await runPlugin(['__complete', 'egress', ...words], { command: kubectl, env });
  expect(result.code).toBe(0);
  return parseCompletion(result.stdout);
}

describe('kubectl completes `kubectl egress` through kubectl_complete-egress', () => {
  it('offers the commands after `kubectl egress`', async () => {
    const { candidates, directive } = await kubectlComplete(['']);
    expect(candidates).toEqual(expect.arrayContaining(['who', 'verify']));
    expect(directive).toBe(4);
  });

  it('passes the words typed after `egress`, a flag=value one included', async () => {
    expect(await kubectlComplete(['who', '--output=y'])).toEqual({ candidates: ['yaml'], directive: 4 });
  });

  it('keeps our directive to complete file names after -f', async () => {
    expect(await kubectlComplete(['who', '-f', ''])).toEqual({ candidates: [], directive: 0 });
  });
});
