import { describe, expect, it } from 'vitest';
import { formatLabelSelector, parseLabelSelector } from '../../../src/config/label-selector-text.ts';
import { matchesSelector } from '../../../src/engine/core/label-selector.ts';

describe('label selectors as kubectl -l takes them', () => {
  const labels = { app: 'web', tier: 'front', canary: 'true' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (web,api)', true],
    ['tier notin (front)', false],
    ['canary', true],
    ['!canary', false],
    ['app=web,tier in (back, front)', true],
    ['missing!=x', true],
    ['app=', false],
  ])('%s matches: %s', (text, expected) => {
    const parsed = parseLabelSelector(text);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(matchesSelector(labels, parsed.selector)).toBe(expected);
  });

  it.each(['app=web,', '=web', 'app in web', 'app in (a b)'])('rejects %s as a selector', (text) => {
    expect('error' in parseLabelSelector(text)).toBe(true);
  });

  it.each([
    'app=web',
    'app!=web',
    'tier in (back,front)',
    'tier notin (back,front)',
    'canary',
    '!canary',
    'app=web,!canary',
  ])('writes %s back as it reads it', (text) => {
    const parsed = parseLabelSelector(text);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(formatLabelSelector(parsed.selector)).toBe(text);
  });
});
