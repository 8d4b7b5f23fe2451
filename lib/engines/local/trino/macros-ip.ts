/**
 * Trino's IPADDRESS without DuckDB's inet extension (not installable offline). An address
 * is a UHUGEINT: IPv6 as its 128-bit value, IPv4 as `::ffff:a.b.c.d` the way Trino stores
 * it, so `=`, `<` and BETWEEN order IPv4 and IPv6 values as Trino does.
 *
 * Parsing is SQL, because a JS function costs about 2 µs a row just to cross to the JS
 * thread, several times the whole SQL parse (about 0.3 µs for IPv4, 1–2 µs for IPv6). `list_transform([x], v -> …)[1]` is a `let`: it
 * computes x once and names it, where a macro would copy the expression at each use.
 * CIDR networks are parsed in JS (the rules are fiddly); on a literal, DuckDB folds those
 * calls into constants, so a row costs one parse, a shift and a comparison.
 */
import type { TrinoMacro } from './macro';

/** `::ffff:0.0.0.0` and `::ffff:255.255.255.255`. */
const MAPPED_LOW = '281470681743360';
const MAPPED_HIGH = '281474976710655';

/** An octet without leading zeros: Trino (Guava) refuses '010.0.0.1'. */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = [OCTET, OCTET, OCTET, OCTET].join(String.raw`\.`);

const isMapped = (ip: string) => `${ip} BETWEEN ${MAPPED_LOW} AND ${MAPPED_HIGH}`;

/** Hextet text → number, NULL when not 1–4 hex digits. */
const HEXTETS = `list_transform(__trino_g, __trino_x -> CASE WHEN len(__trino_x) BETWEEN 1 AND 4 THEN TRY_CAST('0x' || __trino_x AS USMALLINT) END)`;

/**
 * IP macros, in creation order. Needs the JS functions trino_ip_cast_failure,
 * trino_cidr_*, trino_ipaddress_text.
 *
 * @example
 * IP_MACROS.map(createMacroSql); // CREATE OR REPLACE TEMP MACRO … statements
 */
export const IP_MACROS: readonly TrinoMacro[] = [
  {
    name: 'trino_ipv4_to_u128',
    overloads: [
      `(s) AS CASE WHEN regexp_full_match(s, '${IPV4}') THEN CAST(${MAPPED_LOW} AS UHUGEINT) + ` +
        // TRY_CAST although the pattern admits only octets: DuckDB may evaluate the lambda for
        // rows the WHEN rejects (a hoisted common subexpression), e.g. 'iam.amazonaws.com'.
        `list_reduce(list_transform(string_split(s, '.'), __trino_o -> TRY_CAST(__trino_o AS UBIGINT)), (__trino_a, __trino_b) -> __trino_a * 256 + __trino_b) END`,
    ],
  },
  {
    // '::ffff:1.2.3.4' → '::ffff:102:304': a dotted IPv4 tail becomes two hextets (NULL if not IPv4).
    name: 'trino_ipv6_hex_tail',
    overloads: [
      `(s) AS CASE WHEN contains(s, '.') THEN regexp_replace(s, '[^:]*$', '') || list_transform(` +
        `[trino_ipv4_to_u128(regexp_extract(s, '[^:]*$')) - ${MAPPED_LOW}], ` +
        `__trino_v -> printf('%x:%x', CAST(__trino_v // 65536 AS BIGINT), CAST(__trino_v % 65536 AS BIGINT)))[1] ELSE s END`,
    ],
  },
  {
    name: 'trino_hextets_value',
    overloads: [
      `(__trino_g) AS list_reduce(list_transform(${HEXTETS}, __trino_n -> CAST(__trino_n AS UHUGEINT)), ` +
        `(__trino_a, __trino_b) -> __trino_a * 65536 + __trino_b, CAST(0 AS UHUGEINT))`,
    ],
  },
  {
    name: 'trino_hextets_valid',
    overloads: [`(__trino_g) AS list_count(${HEXTETS}) = len(__trino_g)`],
  },
  {
    // Guava's rules: eight groups, or fewer with one '::' standing for at least one zero group.
    // __trino_h is the text split at '::'; __trino_p the hextets before and after it. The
    // groups before '::' are shifted past the missing ones; those after are the low bits.
    name: 'trino_ipv6_to_u128',
    overloads: [
      `(s) AS list_transform([string_split(trino_ipv6_hex_tail(s), '::')], __trino_h -> list_transform([[` +
        `CASE WHEN __trino_h[1] = '' THEN []::VARCHAR[] ELSE string_split(__trino_h[1], ':') END, ` +
        `CASE WHEN len(__trino_h) < 2 OR __trino_h[2] = '' THEN []::VARCHAR[] ELSE string_split(__trino_h[2], ':') END]], ` +
        `__trino_p -> CASE WHEN (CASE len(__trino_h) WHEN 1 THEN len(__trino_p[1]) = 8 WHEN 2 THEN len(__trino_p[1]) + len(__trino_p[2]) <= 7 ELSE false END) ` +
        `AND trino_hextets_valid(__trino_p[1]) AND trino_hextets_valid(__trino_p[2]) ` +
        `THEN (CASE WHEN len(__trino_p[1]) = 0 THEN CAST(0 AS UHUGEINT) ` +
        `ELSE trino_hextets_value(__trino_p[1]) << CAST(16 * (8 - len(__trino_p[1])) AS UHUGEINT) END) + trino_hextets_value(__trino_p[2]) END` +
        `)[1])[1]`,
    ],
  },
  {
    name: 'trino_try_ipaddress',
    overloads: [`(s) AS CASE WHEN contains(s, ':') THEN trino_ipv6_to_u128(s) ELSE trino_ipv4_to_u128(s) END`],
  },
  {
    // The JS failure function runs only for rows that are not addresses, and raises Trino's message.
    name: 'trino_ipaddress',
    overloads: ['(s) AS coalesce(trino_try_ipaddress(s), trino_ip_cast_failure(s))'],
  },
  {
    name: 'trino_ipaddress_to_varchar',
    overloads: [
      `(ip) AS CASE WHEN ${isMapped('ip')} THEN concat_ws('.', (ip >> 24) & 255, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255) ` +
        `ELSE trino_ipaddress_text(ip) END`,
    ],
  },
  {
    // The address is written once: DuckDB splits a BETWEEN inside OR / NOT into two
    // comparisons, each with its own copy of the parsing. A network's addresses share
    // their bits above the host bits (>> 128 gives 0, so ::/0 works). An IPv6 network
    // never contains an IPv4 address in Trino (the address lengths differ), not even ::/0.
    name: 'trino_ip_contains',
    overloads: [
      `(c, ip) AS (ip >> trino_cidr_host_bits(c)) = trino_cidr_prefix(c) AND (trino_cidr_is_ipv4(c) OR (ip >> 32) <> 65535)`,
    ],
  },
];
