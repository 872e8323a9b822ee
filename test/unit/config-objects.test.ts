/** The defensive readers over raw objects (src/config/objects.ts). */
import { describe, expect, it } from 'vitest';
import { stringMap } from '../../src/config/objects.ts';

describe('a string map (labels, annotations)', () => {
  it.each([
    ['keeps the string values, in their order', { b: '2', a: '1', empty: '' }, { b: '2', a: '1', empty: '' }],
    ['drops values that are not strings', { a: 1, b: null, c: ['x'], d: { e: 'f' }, g: 'h' }, { g: 'h' }],
    ['is empty for what is not a record', ['a'], {}],
    ['is empty for nothing', undefined, {}],
  ])('%s', (_case, value, expected) => {
    expect(stringMap(value)).toStrictEqual(expected);
  });

  it('keeps "__proto__" as a key, not as the prototype', () => {
    const map = stringMap(JSON.parse('{"__proto__": "x", "a": "b"}'));
    expect(Object.keys(map)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });
});
