import { describe, expect, it } from 'vitest';
import { Registry } from './registry.js';

describe('Registry', () => {
  it('looks entries up by name and lists them sorted', () => {
    const r = Registry.from('widget', [['b_two', 2], ['a_one', 1]]);
    expect(r.get('a_one')).toBe(1);
    expect(r.list()).toEqual(['a_one', 'b_two']);
  });
  it('names the known entries when a name is unknown', () => {
    const r = Registry.from('widget', [['a_one', 1]]);
    expect(() => r.get('nope')).toThrow(/unknown widget "nope"; known: a_one/);
  });
  it('refuses duplicates and non-snake names', () => {
    const r = Registry.from('widget', [['a_one', 1]]);
    expect(() => r.register('a_one', 2)).toThrow(/already registered/);
    expect(() => r.register('BadName', 3)).toThrow(/lowercase/);
  });
});
