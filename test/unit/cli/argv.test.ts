/**
 * The command line around yargs: one value per flag occurrence, flags named as typed in errors,
 * pflag's wording for yargs' parse errors, and positionals after `--`.
 */
import { describe, expect, it } from 'vitest';
import { everyValue, lastValue, typedFlag, usageMessage, withPositionals } from '../../../src/cli/argv.ts';

describe('a flag given more than once', () => {
  it('keeps the last value of a single-value flag, as kubectl', () => {
    expect(lastValue(['a', 'b'])).toBe('b');
    expect(lastValue('a')).toBe('a');
  });

  it('keeps every value of a repeatable flag, one per occurrence', () => {
    expect(everyValue(['8.8.8.8', 'internet'])).toEqual(['8.8.8.8', 'internet']);
    expect(everyValue('8.8.8.8')).toEqual(['8.8.8.8']);
  });

  it('refuses --no- on a flag that takes a value, rather than reading "false"', () => {
    expect(() => everyValue([false])).toThrow('a flag that takes a value has no --no- form');
    expect(() => lastValue(['x', false])).toThrow('a flag that takes a value has no --no- form');
  });
});

describe('the flag as the user typed it', () => {
  it.each([
    ['the short form', ['who', '-o', 'xml'], 'output', '-o'],
    ['the long form', ['who', '--output', 'xml'], 'output', '--output'],
    ['--flag=value', ['who', '--output=xml'], 'output', '--output'],
    ['the last of several spellings', ['who', '--output', 'json', '-o', 'xml'], 'output', '-o'],
    ['a short flag in a group', ['who', '-Ao', 'xml'], 'output', '-o'],
    ["yargs' camel-case spelling", ['who', '--requestTimeout', 'x'], 'request-timeout', '--requestTimeout'],
    ['a flag without an alias', ['verify', '--timeout', 'abc'], 'timeout', '--timeout'],
    ['nothing before --: the long form', ['explain', '--', '-o'], 'output', '--output'],
  ])('%s', (_name, argv, flag, spelled) => {
    expect(typedFlag(argv, flag)).toBe(spelled);
  });
});

describe("yargs' parse errors in kubectl's words", () => {
  it.each([
    [
      'a short flag without its value',
      'Not enough arguments following: o',
      ['who', '-o'],
      'flag needs an argument: -o',
    ],
    [
      'a long flag without its value',
      'Not enough arguments following: fail-on',
      ['lint', '--fail-on'],
      'flag needs an argument: --fail-on',
    ],
    ['an unknown flag', 'Unknown argument: frobnicate', ['who', '--frobnicate'], 'unknown flag: --frobnicate'],
    [
      'an unknown flag with a value',
      'Unknown argument: frobnicate',
      ['who', '--frobnicate=1'],
      'unknown flag: --frobnicate',
    ],
    [
      'an unknown dashed flag, named once',
      'Unknown arguments: no-namespace, noNamespace',
      ['who', '--no-namespace=x'],
      'unknown flag: --no-namespace',
    ],
    ['a word that is not a flag', 'Unknown argument: web', ['who', 'web'], 'unexpected argument "web"'],
    ['any other message', 'Missing required argument: x', ['who'], 'Missing required argument: x'],
  ])('%s', (_name, message, argv, expected) => {
    expect(usageMessage(message, argv)).toBe(expected);
  });
});

describe('positionals after --', () => {
  it("fill the command's positionals yargs left empty", () => {
    expect(withPositionals({ _: ['explain', '-odd-pod'] }, ['target'])).toMatchObject({ target: '-odd-pod' });
  });

  it('leave a positional given before -- as it is', () => {
    expect(withPositionals({ _: ['explain'], target: 'web' }, ['target'])).toMatchObject({ target: 'web' });
  });

  it('are a usage error when there are more than the command takes', () => {
    expect(() => withPositionals({ _: ['explain', 'b'], target: 'a' }, ['target'])).toThrow('unexpected argument "b"');
    expect(() => withPositionals({ _: ['who', 'web'] }, [])).toThrow('unexpected argument "web"');
  });
});
