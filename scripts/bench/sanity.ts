/**
 * The benchmark's sanity line: one more, unmeasured run of each tool with stdout to a file, to show
 * that both saw the whole cluster — distinct pods in who's JSON report (design §5: one item per pod
 * and destination) and items in kubectl's List. The outputs are hundreds of MB, so they are read
 * line by line, relying only on each printer's fixed indentation, never parsed whole.
 */
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { measure } from './measure.ts';

async function eachLine(file: string, onLine: (line: string) => void): Promise<void> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) onLine(line);
}

async function withOutput(
  kubectl: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  work: string,
  read: (file: string) => Promise<string>,
): Promise<string> {
  const file = join(work, 'sanity.json');
  try {
    const run = await measure(kubectl, args, env, work, file);
    return run.ok ? await read(file) : `nothing (${run.error})`;
  } finally {
    rmSync(file, { force: true });
  }
}

/** who -o json is JSON.stringify(…, null, 2): an item's own fields sit 6 spaces deep, namespace then pod. */
export function countWhoPods(kubectl: string, args: string[], env: NodeJS.ProcessEnv, work: string): Promise<string> {
  return withOutput(kubectl, args, env, work, async (file) => {
    const pods = new Set<string>();
    let items = 0;
    let namespace: string | undefined;
    await eachLine(file, (line) => {
      if (line.startsWith('      "namespace": ')) namespace = JSON.parse(line.slice(19, -1)) as string;
      else if (namespace !== undefined && line.startsWith('      "pod": ')) {
        pods.add(`${namespace}/${JSON.parse(line.slice(13, -1)) as string}`);
        items++;
      }
      if (!line.startsWith('      "namespace": ')) namespace = undefined;
    });
    return `${pods.size} distinct pods (${items} items)`;
  });
}

/** kubectl indents its JSON by 4: a List item's own `kind` sits 12 spaces deep. */
export function countKubectlItems(
  kubectl: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  work: string,
  kind: string,
): Promise<string> {
  return withOutput(kubectl, args, env, work, async (file) => {
    const itemKind = `            "kind": "${kind}",`;
    let items = 0;
    await eachLine(file, (line) => {
      if (line === itemKind) items++;
    });
    return `${items} items`;
  });
}
