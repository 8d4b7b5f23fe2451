import { describe, expect, it } from 'vitest';
import { Rng, hash32, hashChars, BASE32 } from '../../lib/sample/prng';

describe('Rng', () => {
  it('repeats for a seed and label, and differs otherwise', () => {
    const draw = (seed: number, label?: string) => {
      const r = new Rng(seed, label);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  it('draws in range', () => {
    const r = new Rng(9);
    for (let i = 0; i < 10_000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
  });

  it('picks by weight and never a zero weight', () => {
    const r = new Rng(4);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weightedIndex([1, 0, 3])] += 1;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.6);
    expect(counts[2] / counts[0]).toBeLessThan(3.4);
  });

  it('makes version 4 UUIDs, hex and alphanumerics of the asked length', () => {
    const r = new Rng(1);
    for (let i = 0; i < 1000; i++)
      expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.hex(7)).toMatch(/^[0-9a-f]{7}$/);
    expect(r.alnum(16)).toMatch(/^[A-Za-z0-9]{16}$/);
  });
});

describe('hash32 / hashChars', () => {
  it('are stable and spread', () => {
    expect(hash32('alice', 1)).toBe(hash32('alice', 1));
    expect(hash32('alice', 1)).not.toBe(hash32('alice', 2));
    expect(hash32('ab', 'c')).not.toBe(hash32('a', 'bc'));
    const id = hashChars(BASE32, 16, 'x');
    expect(id).toMatch(/^[A-Z2-7]{16}$/);
    expect(hashChars(BASE32, 16, 'x')).toBe(id);
  });
});
