/**
 * Where the entity's calls came from: which access keys (a long-term key that leaked, or
 * temporary keys of a session), which addresses (inside the network or not) and which
 * clients. A known key used from an unknown address with an unusual client is the pattern.
 */

import { OptionError } from '../../errors';
import { sql, type SqlFragment } from '../../sql';
import { distinctList } from '../aggregates';
import { entityMatches } from '../entity';
import { readEntityCommon, type EntityOptions } from '../query-options';
import { inWindow } from '../time-window';

/**
 * The access keys the entity called with: accesskeyid, keytype (`'long-term (AKIA)'`,
 * `'temporary (ASIA)'` or `'other'`), events, failures, sourceips (distinct, joined),
 * first_seen, last_seen; in order of first use. Calls without a key (console sign-in) are
 * left out.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(accessKeysUsed({ window, entity: suspect }));
 */
export function accessKeysUsed(options: EntityOptions): SqlFragment {
  const { window, table, entity } = readEntityCommon('accessKeysUsed', options);
  return sql`SELECT
  useridentity.accesskeyid AS accesskeyid,
  CASE
    WHEN useridentity.accesskeyid LIKE 'AKIA%' THEN 'long-term (AKIA)'
    WHEN useridentity.accesskeyid LIKE 'ASIA%' THEN 'temporary (ASIA)'
    ELSE 'other'
  END AS keytype,
  count(*) AS events,
  count(errorcode) AS failures,
  ${distinctList(sql`sourceipaddress`)} AS sourceips,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM ${table}
WHERE ${inWindow(window)}
  AND ${entityMatches(entity)}
  AND useridentity.accesskeyid <> ''
GROUP BY useridentity.accesskeyid
ORDER BY first_seen, accesskeyid`;
}

/** Options of `sourceIpsAndAgents`. */
export interface SourceIpsOptions extends EntityOptions {
  /** Networks counted as internal. Default the RFC 1918 ranges; `[]` for none. */
  readonly internalCidrs?: readonly string[];
}

/** The private address ranges of RFC 1918. */
export const RFC1918_CIDRS: readonly string[] = Object.freeze(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\/(\d{1,3})$/;

/** A network in CIDR notation as Trino's contains() takes it: IPv4 without host bits set, or IPv6. */
function isCidr(text: string): boolean {
  const v4 = IPV4_CIDR.exec(text);
  if (v4) {
    const octets = v4.slice(1, 5).map(Number);
    const prefix = Number(v4[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return false;
    const address = octets.reduce((a, o) => a * 256 + o, 0);
    return address % 2 ** (32 - prefix) === 0;
  }
  const v6 = IPV6_CIDR.exec(text);
  return v6 !== null && Number(v6[1]) <= 128;
}

function cidrsOption(where: string, value: unknown): readonly string[] {
  if (value === undefined) return RFC1918_CIDRS;
  if (!Array.isArray(value) || !value.every((c) => typeof c === 'string' && isCidr(c.trim()))) {
    const bad = Array.isArray(value) ? value.find((c) => typeof c !== 'string' || !isCidr(c.trim())) : value;
    throw new OptionError(
      'internalCidrs',
      value,
      `${where}: option "internalCidrs" must be a list of networks such as '10.0.0.0/8' (no host bits set); ${JSON.stringify(bad) ?? String(bad)} is not one`,
    );
  }
  return value.map((c: string) => c.trim());
}

/**
 * A WHERE condition: `sourceipaddress` lies in one of the networks (CIDR text, bound values),
 * tested with Trino's `contains(cidr, ipaddress)`; an empty list matches nothing.
 *
 * @throws OptionError (option `internalCidrs`) for text that is not a network
 * @example
 * sql`SELECT DISTINCT sourceipaddress FROM cloudtrail WHERE ${insideNetworks(RFC1918_CIDRS)}`;
 */
export function insideNetworks(cidrs: readonly string[]): SqlFragment {
  const checked = cidrsOption('insideNetworks', cidrs);
  if (checked.length === 0) return sql`(1 = 0)`;
  return sql.join(
    checked.map((c) => sql`contains(${c}, TRY_CAST(sourceipaddress AS IPADDRESS))`),
    sql`\n     OR `,
  );
}

/**
 * The addresses and clients the entity called from: sourceipaddress, network (`'AWS
 * service'` when the address is a service's name such as ec2.amazonaws.com, `'internal'`
 * inside `internalCidrs`, else `'external'`), useragent, events, failures, first_seen,
 * last_seen; busiest first. The networks are bound values (see {@link insideNetworks}).
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(sourceIpsAndAgents({ window, entity: suspect, internalCidrs: ['10.0.0.0/8', '192.0.2.0/24'] }));
 */
export function sourceIpsAndAgents(options: SourceIpsOptions): SqlFragment {
  const where = 'sourceIpsAndAgents';
  const { window, table, entity } = readEntityCommon(where, options, ['internalCidrs']);
  const cidrs = cidrsOption(where, options.internalCidrs);
  // Athena takes ? only in WHERE: the networks are tested in a WHERE that lists the
  // internal addresses, and the CASE looks them up.
  return sql`WITH activity AS (
  SELECT sourceipaddress, useragent, errorcode, eventtime
  FROM ${table}
  WHERE ${inWindow(window)}
    AND ${entityMatches(entity)}
),
internal AS (
  SELECT DISTINCT sourceipaddress
  FROM activity
  WHERE ${insideNetworks(cidrs)}
)
SELECT
  a.sourceipaddress,
  CASE
    WHEN TRY_CAST(a.sourceipaddress AS IPADDRESS) IS NULL THEN 'AWS service'
    WHEN i.sourceipaddress IS NOT NULL THEN 'internal'
    ELSE 'external'
  END AS network,
  a.useragent,
  count(*) AS events,
  count(a.errorcode) AS failures,
  min(a.eventtime) AS first_seen,
  max(a.eventtime) AS last_seen
FROM activity a
LEFT JOIN internal i ON a.sourceipaddress = i.sourceipaddress
GROUP BY 1, 2, 3
ORDER BY events DESC, 1, 3`;
}
