/**
 * Seeded randomness for the sample generator. Every random choice goes through an `Rng` made
 * from the caller's seed, so the same options give byte-identical logs; `hash32` gives values
 * that must agree between two passes over the month without consuming a stream.
 */

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** The alphabet of AWS key and unique ids (RFC 4648 base32). */
export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** The alphabet of base64 tokens (session tokens, S3's `x-amz-id-2`). */
export const BASE64 = ALNUM + '+/';

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit hash of strings and numbers (murmur3-style mixing), stable across runs and platforms.
 *
 * @example
 * hash32('alice@example.com', 19) === hash32('alice@example.com', 19); // true
 */
export function hash32(...parts: readonly (string | number)[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const s = typeof part === 'number' ? `#${part}` : part;
    for (let i = 0; i < s.length; i++) {
      h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    }
    h = fmix(h ^ 0xff);
  }
  return fmix(h);
}

/**
 * A float in [0, 1) derived from `hash32` of the parts.
 *
 * @example
 * const noise = hashFloat(seed, 'cell', 4711); // same value on every pass
 */
export function hashFloat(...parts: readonly (string | number)[]): number {
  return hash32(...parts) / 4294967296;
}

/**
 * `n` characters of `alphabet` chosen by hashing the parts: stable ids (key ids, instance
 * suffixes) that depend only on what they name.
 *
 * @example
 * hashChars(BASE32, 16, 'ci-deployer', 'key'); // 'Q…' (16 base32 characters)
 */
export function hashChars(alphabet: string, n: number, ...parts: readonly (string | number)[]): string {
  let out = '';
  let h = hash32(...parts);
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % 4 === 0) h = hash32(h, i, ...parts);
    out += alphabet[(h >>> ((i % 4) * 8)) % alphabet.length];
  }
  return out;
}

/**
 * A small, fast seeded generator (sfc32, seeded through splitmix32).
 *
 * @example
 * const rng = new Rng(1);
 * rng.int(1, 6); // a die roll, the same on every run with seed 1
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any safe integer; `label` derives an independent stream from the same seed. */
  constructor(seed: number, label = '') {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let s = hash32(lo, hi, label);
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return fmix(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** An index chosen with probability proportional to `weights[i]` (which must not all be 0). */
  weightedIndex(weights: ArrayLike<number>, total?: number): number {
    let sum = total ?? 0;
    if (total === undefined) for (let i = 0; i < weights.length; i++) sum += weights[i];
    let r = this.float() * sum;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0 && weights[i] > 0) return i;
    }
    for (let i = weights.length - 1; i > 0; i--) if (weights[i] > 0) return i;
    return 0;
  }

  /** `n` characters of `alphabet`. */
  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.below(alphabet.length)];
    return out;
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    let out = '';
    while (out.length < n) {
      const v = this.next();
      out += BYTE_HEX[v & 255] + BYTE_HEX[(v >>> 8) & 255] + BYTE_HEX[(v >>> 16) & 255] + BYTE_HEX[v >>> 24];
    }
    return out.length === n ? out : out.slice(0, n);
  }

  /** `n` letters and digits, as in CloudTrail's log file names. */
  alnum(n: number): string {
    return this.chars(ALNUM, n);
  }

  /** A random (version 4) UUID, lower case. */
  uuid(): string {
    const a = this.next();
    const b = this.next();
    const c = this.next();
    const d = this.next();
    const x = (v: number, shift: number): string => BYTE_HEX[(v >>> shift) & 255];
    return (
      x(a, 24) +
      x(a, 16) +
      x(a, 8) +
      x(a, 0) +
      '-' +
      x(b, 24) +
      x(b, 16) +
      '-4' +
      HEX[(b >>> 8) & 15] +
      x(b, 0) +
      '-' +
      HEX[8 + ((c >>> 30) & 3)] +
      HEX[(c >>> 24) & 15] +
      x(c, 16) +
      '-' +
      x(c, 8) +
      x(c, 0) +
      x(d, 24) +
      x(d, 16) +
      x(d, 8) +
      x(d, 0)
    );
  }
}
