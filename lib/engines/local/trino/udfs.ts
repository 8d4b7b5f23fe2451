/**
 * The few Trino helpers written in JavaScript rather than SQL: CIDR networks, printing
 * IPv6, turning a MySQL or Joda format into a strftime one, and raising Trino's error messages.
 * A JS call costs about 2 µs a row (the crossing to the JS thread), so macros use these on
 * constants (none is volatile, so DuckDB folds such calls into one) or only on the rows
 * that need them; per-row parsing stays in SQL.
 */
import {
  BOOLEAN,
  DuckDBScalarFunction,
  UHUGEINT,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBScalarFunctionInfo,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import { IPV4_MAPPED_BASE, formatIpAddress, parseIpv4, parseIpv6 } from './ipv6';
import { jodaToStrftime } from './joda-format';
import { mysqlToStrftime } from './mysql-format';

type Row = readonly (DuckDBValue | null)[];

interface JsFunction {
  readonly name: string;
  readonly parameterTypes: readonly DuckDBType[];
  readonly returnType: DuckDBType;
  /** The result for one row whose arguments are all non-NULL; throws to fail the query with that message. */
  readonly apply: (row: Row) => DuckDBValue | null;
}

const JS_FUNCTIONS: readonly JsFunction[] = [
  {
    name: 'trino_mysql_format',
    parameterTypes: [VARCHAR, BOOLEAN],
    returnType: VARCHAR,
    apply: ([format, forParsing]) => mysqlToStrftime(String(format), forParsing === true),
  },
  {
    name: 'trino_joda_format',
    parameterTypes: [VARCHAR, BOOLEAN],
    returnType: VARCHAR,
    apply: ([pattern, forParsing]) => jodaToStrftime(String(pattern), forParsing === true),
  },
  {
    name: 'trino_ipaddress_text',
    parameterTypes: [UHUGEINT],
    returnType: VARCHAR,
    apply: ([value]) => formatIpAddress(BigInt(value as bigint)),
  },
  {
    name: 'trino_ip_cast_failure',
    parameterTypes: [VARCHAR],
    returnType: UHUGEINT,
    apply: ([text]) => {
      throw new Error(`Cannot cast value to IPADDRESS: ${String(text)}`);
    },
  },
  {
    name: 'trino_cidr_host_bits',
    parameterTypes: [VARCHAR],
    returnType: UHUGEINT,
    apply: ([cidr]) => BigInt(parseCidr(String(cidr)).hostBits),
  },
  {
    name: 'trino_cidr_prefix',
    parameterTypes: [VARCHAR],
    returnType: UHUGEINT,
    apply: ([cidr]) => {
      const range = parseCidr(String(cidr));
      return range.low >> BigInt(range.hostBits);
    },
  },
  {
    name: 'trino_cidr_is_ipv4',
    parameterTypes: [VARCHAR],
    returnType: BOOLEAN,
    apply: ([cidr]) => parseCidr(String(cidr)).ipv4,
  },
];

/**
 * Registers the JS helper functions. DuckDB keeps scalar functions in the instance's
 * catalog, so a later registration (another connection) replaces the same code.
 *
 * @example
 * registerTrinoUdfs(connection);
 * await connection.runAndReadAll(`SELECT trino_mysql_format('%Y-%m-%d %H:%i', false)`); // '%Y-%m-%d %H:%M'
 */
export function registerTrinoUdfs(connection: DuckDBConnection): void {
  for (const fn of JS_FUNCTIONS) {
    connection.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: fn.name,
        parameterTypes: fn.parameterTypes,
        returnType: fn.returnType,
        mainFunction: (info, input, output) => runRows(fn, info, input, output),
      }),
    );
  }
}

/** Applies a function to each row; DuckDB passes NULL rows too, and NULL in gives NULL out. */
function runRows(fn: JsFunction, info: DuckDBScalarFunctionInfo, input: DuckDBDataChunk, output: DuckDBVector): void {
  const columns = fn.parameterTypes.map((_, i) => input.getColumnVector(i));
  try {
    for (let row = 0; row < input.rowCount; row++) {
      const args = columns.map((c) => c.getItem(row));
      output.setItem(row, args.includes(null) ? null : fn.apply(args));
    }
    output.flush();
  } catch (error) {
    info.setError(error instanceof Error ? error.message : String(error));
  }
}

/** A CIDR network as the range of IPADDRESS numbers it holds; `hostBits` is 128 minus the prefix length in 128-bit terms. */
export interface CidrRange {
  readonly low: bigint;
  readonly high: bigint;
  readonly hostBits: number;
  readonly ipv4: boolean;
}

/**
 * Parses a network the way Trino's `contains(network, address)` does, with its error
 * messages: a `/`, a valid address, a prefix that fits, and for IPv4 no host bits set
 * (IPv6 host bits are ignored). IPv4 networks land in the `::ffff:0:0/96` block.
 *
 * @example
 * parseCidr('10.0.0.0/8'); // { low: ::ffff:10.0.0.0, high: ::ffff:10.255.255.255, hostBits: 24, ipv4: true } as numbers
 * parseCidr('10.0.0.1/8'); // throws Error('Invalid CIDR: 10.0.0.1/8')
 */
export function parseCidr(cidr: string): CidrRange {
  const slash = cidr.indexOf('/');
  if (slash < 0) throw new Error(`Invalid CIDR: ${cidr}`);
  const base = cidr.slice(0, slash);
  const v4 = parseIpv4(base);
  const address = v4 === null ? parseIpv6(base) : IPV4_MAPPED_BASE + v4;
  if (address === null) throw new Error(`Invalid network IP address: ${cidr}`);
  const prefixText = cidr.slice(slash + 1);
  if (!/^\d+$/.test(prefixText)) throw new Error(`Invalid prefix length: ${cidr}`);
  const prefix = Number(prefixText);
  // An IPv4-mapped IPv6 network is IPv4 to Trino (Java's InetAddress turns it into one).
  const ipv4 = address >> 32n === 0xffffn;
  const bits = ipv4 ? 32 : 128;
  if (prefix > bits) throw new Error(`Prefix length exceeds address length: ${cidr}`);
  const hostBits = bits - prefix;
  const hostMask = (1n << BigInt(hostBits)) - 1n;
  if (ipv4 && (address & hostMask) !== 0n) throw new Error(`Invalid CIDR: ${cidr}`);
  const low = address & ~hostMask;
  return { low, high: low | hostMask, hostBits, ipv4 };
}
