/**
 * yargs renders a command's help as its handler starts, for a failure we never print it for;
 * main.ts turns that off. If a yargs upgrade moves the method, this fails rather than the saving
 * silently going.
 */
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { skipHelpCache } from '../../../src/cli/entry/main.ts';

type Usage = { hasCachedHelpMessage: () => boolean };
const usageOf = (parser: object) =>
  (parser as { getInternalMethods: () => { getUsageInstance: () => Usage } }).getInternalMethods().getUsageInstance();

const commandRun = async (skip: boolean): Promise<boolean> => {
  let ran = false;
  const parser = yargs()
    .command('run', 'runs', {}, () => void (ran = true))
    .help()
    .exitProcess(false);
  if (skip) skipHelpCache(parser);
  await parser.parseAsync(['run']);
  expect(ran).toBe(true);
  return usageOf(parser).hasCachedHelpMessage();
};

describe("yargs' help cache", () => {
  it('is filled when a command runs', async () => {
    expect(await commandRun(false)).toBe(true);
  });

  it('stays empty when skipped', async () => {
    expect(await commandRun(true)).toBe(false);
  });
});
