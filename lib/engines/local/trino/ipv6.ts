/**
 * IPv6 text ⇄ 128-bit number, the way Trino reads and prints IPADDRESS (Guava's
 * `InetAddresses`): `::` stands for at least one zero group, a dotted IPv4 tail is allowed,
 * IPv4 octets have no leading zeros, and printing compresses the longest run of two or more
 * zero groups. IPv4 lives at `::ffff:a.b.c.d`, so IPv4 and IPv6 values order like Trino's.
 */

/**
 * `::ffff:0.0.0.0`, the first IPv4-mapped address: IPv4 a.b.c.d is this plus its 32 bits.
 *
 * @example
 * IPV4_MAPPED_BASE + parseIpv4('10.0.0.1')!; // the IPADDRESS number of 10.0.0.1
 */
export const IPV4_MAPPED_BASE = 0xffff_0000_0000n;

const HEXTET = /^[0-9a-fA-F]{1,4}$/;
const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * The IPv4 address as a number (0 … 2^32-1), or null when it is not dotted-quad text.
 *
 * @example
 * parseIpv4('10.0.0.1'); // 167772161n
 */
export function parseIpv4(text: string): bigint | null {
  const octets = text.split('.');
  if (octets.length !== 4 || !octets.every((o) => OCTET.test(o))) return null;
  return octets.reduce((sum, o) => (sum << 8n) | BigInt(o), 0n);
}

/**
 * The IPv6 address (IPv4-mapped forms included) as a 128-bit number, or null.
 *
 * @example
 * parseIpv6('::ffff:10.0.0.1'); // 281470849515521n, the same number IPv4 '10.0.0.1' gets
 */
export function parseIpv6(text: string): bigint | null {
  const groups = ipv6Groups(text);
  if (groups === null) return null;
  // One BigInt from hex text: far cheaper than eight BigInt shifts (this runs per row).
  let hex = '0x';
  for (const g of groups) hex += g.padStart(4, '0');
  return BigInt(hex);
}

/** The eight hextets of an IPv6 address as hex text, or null when it is not one. */
function ipv6Groups(text: string): string[] | null {
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return null;
  let body = text;
  let tail: string[] = [];
  if (text.indexOf('.', lastColon) >= 0) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    const n = Number(v4);
    tail = [(n >>> 16).toString(16), (n & 0xffff).toString(16)];
    body = text.slice(0, lastColon + 1) + '0';
  }
  const skip = body.indexOf('::');
  if (skip >= 0 && body.indexOf('::', skip + 1) >= 0) return null;
  const split = (part: string) => (part === '' ? [] : part.split(':'));
  const head = skip < 0 ? split(body) : split(body.slice(0, skip));
  const rest = skip < 0 ? [] : split(body.slice(skip + 2));
  if (tail.length > 0) (skip < 0 ? head : rest).splice(-1, 1, ...tail);
  const missing = 8 - head.length - rest.length;
  if (skip < 0 ? missing !== 0 : missing < 1) return null;
  const groups = skip < 0 ? head : [...head, ...Array<string>(missing).fill('0'), ...rest];
  for (const g of groups) if (!HEXTET.test(g)) return null;
  return groups;
}

/**
 * Trino's text for an IPADDRESS value: dotted IPv4 for IPv4-mapped addresses, otherwise
 * lower-case IPv6 with the longest run of zero groups compressed.
 *
 * @example
 * formatIpAddress(parseIpv6('2001:db8:0:0:0:0:0:1')!); // '2001:db8::1'
 */
export function formatIpAddress(value: bigint): string {
  if (value >= IPV4_MAPPED_BASE && value <= IPV4_MAPPED_BASE + 0xffff_ffffn) {
    const v4 = value - IPV4_MAPPED_BASE;
    return [24n, 16n, 8n, 0n].map((shift) => ((v4 >> shift) & 0xffn).toString()).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
