/**
 * The token walker behind `rewriteTrinoSql`. It copies tokens through and, where a Trino
 * construct needs DuckDB's help, emits a replacement built from the rewritten pieces, so
 * rewrites nest (`any_match(transform(…), …)`). Strings, quoted identifiers, comments and
 * `?` are only ever copied.
 */
import { FUNCTION_RENAMES, LAMBDA_MATCHERS } from './renames';
import {
  callAt,
  nextSignificant,
  previousSignificant,
  significantIn,
  textOf,
  topLevelWord,
  unwrap,
  wholeCall,
  type TokenCall,
  type TokenRange,
} from './token-ranges';
import { isPunct, isWord, type TrinoToken } from './tokens';
import { duckdbTypeName } from './type-names';

/** `EXTRACT` fields whose Trino meaning DuckDB spells differently (Trino's DOW is ISO). */
const EXTRACT_FIELDS: Readonly<Record<string, string>> = {
  dow: 'ISODOW',
  day_of_week: 'ISODOW',
  day_of_year: 'DOY',
  day_of_month: 'DAY',
  yow: 'ISOYEAR',
  year_of_week: 'ISOYEAR',
};

/** What IPADDRESS casts become, so text that was already rewritten is recognised too. */
const IP_FUNCTIONS = new Set(['trino_ipaddress', 'trino_try_ipaddress']);

// A TIMESTAMP literal with a zone is Trino's TIMESTAMP WITH TIME ZONE; DuckDB's TIMESTAMP
// literal refuses any zone but UTC (and then drops it), so such literals become TIMESTAMPTZ.
const ZONED_TIMESTAMP =
  /^'\s*\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z][\w/+-]*)\s*'$/;

type CallRule = (call: TokenCall, rw: TrinoRewriter) => string | undefined;

const CALL_RULES: Readonly<Record<string, CallRule>> = {
  cast: (call, rw) => rw.cast(call, false),
  try_cast: (call, rw) => rw.cast(call, true),
  extract: (call, rw) => rw.extract(call),
  contains: (call, rw) => rw.contains(call),
  concat: (call, rw) => (call.args.length > 0 ? `(${rw.args(call).join(' || ')})` : undefined),
  approx_distinct: (call, rw) =>
    call.args.length === 1 || call.args.length === 2 ? `count(DISTINCT ${rw.args(call)[0]})` : undefined,
  date_format: (call, rw) => mysqlFormatCall(call, rw, 'strftime', false),
  date_parse: (call, rw) => mysqlFormatCall(call, rw, 'strptime', true),
  format_datetime: (call, rw) => formatCall(call, rw, 'strftime', 'trino_joda_format', false),
  parse_datetime: (call, rw) => formatCall(call, rw, 'strptime', 'trino_joda_format', true),
  reduce: (call, rw) => {
    if (call.args.length !== 4) return undefined;
    const [array, initial, input, output] = rw.args(call);
    return `list_transform([list_reduce(${array}, ${input}, ${initial})], ${output})[1]`;
  },
};

/** The table's own entry for `key`: SQL words such as `constructor` must not find Object's. */
function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Whether any rule may replace a call to `name`; other calls are copied without a look inside. */
function hasRule(name: string): boolean {
  return Object.hasOwn(CALL_RULES, name) || Object.hasOwn(LAMBDA_MATCHERS, name) || Object.hasOwn(FUNCTION_RENAMES, name);
}

/** `date_format` / `date_parse` with the MySQL format turned into DuckDB's by a JS function. */
function mysqlFormatCall(call: TokenCall, rw: TrinoRewriter, duckFunction: string, forParsing: boolean): string | undefined {
  return formatCall(call, rw, duckFunction, 'trino_mysql_format', forParsing);
}

/**
 * A Trino formatting call with its format turned into DuckDB's by the JS function `translate`
 * (a constant folded once, since strftime and strptime need a constant format).
 */
function formatCall(call: TokenCall, rw: TrinoRewriter, duckFunction: string, translate: string, forParsing: boolean): string | undefined {
  if (call.args.length !== 2) return undefined;
  const [value, format] = rw.args(call);
  return `${duckFunction}(${value}, ${translate}(${format}, ${forParsing}))`;
}

/**
 * Rewrites one token list; see `rewriteTrinoSql`.
 *
 * @example
 * const tokens = tokenizeTrino(`transform(a, x -> x)`);
 * new TrinoRewriter(tokens).rewrite({ start: 0, end: tokens.length }); // 'list_transform(a, x -> x)'
 */
export class TrinoRewriter {
  constructor(private readonly tokens: readonly TrinoToken[]) {}

  /** The rewritten text of a token range. */
  rewrite(range: TokenRange): string {
    const { tokens } = this;
    let out = '';
    let i = range.start;
    while (i < range.end) {
      const token = tokens[i]!;
      const replaced = token.kind === 'word' ? this.word(i, range.end) : undefined;
      if (replaced) {
        out += replaced.text;
        i = replaced.next;
      } else {
        out += token.text;
        i++;
      }
    }
    return out;
  }

  /** Each argument of a call, rewritten and trimmed. */
  args(call: TokenCall): string[] {
    return call.args.map((arg) => this.rewrite(arg).trim());
  }

  /** `CAST(x AS IPADDRESS)`, Trino type names, and casts DuckDB would read differently. */
  cast(call: TokenCall, isTry: boolean): string | undefined {
    const as = topLevelWord(this.tokens, { start: call.open + 1, end: call.close }, 'as');
    if (as < 0) return undefined;
    const operand: TokenRange = { start: call.open + 1, end: as };
    const typeTokens = significantIn(this.tokens, { start: as + 1, end: call.close }).map((i) => this.tokens[i]!);
    const typeName = typeTokens.map((t) => t.text.toLowerCase()).join(' ');
    const expr = () => this.rewrite(operand).trim();
    if (typeName === 'ipaddress') return `${isTry ? 'trino_try_ipaddress' : 'trino_ipaddress'}(${expr()})`;
    if (/^varchar( \( \d+ \))?$/.test(typeName)) {
      const wrap = (fn: string) => (isTry ? `try(${fn}(${expr()}))` : `${fn}(${expr()})`);
      if (this.isIpExpression(operand)) return wrap('trino_ipaddress_to_varchar');
      if (this.isJsonExpression(operand)) return wrap('trino_json_to_varchar');
    }
    const duckType = duckdbTypeName(typeTokens);
    if (duckType === undefined) return undefined;
    return `${this.tokens[call.name]!.text}${this.rewrite({ start: call.name + 1, end: as + 1 })} ${duckType})`;
  }

  /** `EXTRACT(DOW FROM x)`: Trino's day-of-week fields are ISO (Monday = 1). */
  extract(call: TokenCall): string | undefined {
    const field = nextSignificant(this.tokens, call.open + 1, call.close);
    const duckField = field < 0 ? undefined : lookup(EXTRACT_FIELDS, this.tokens[field]!.text.toLowerCase());
    if (duckField === undefined || this.tokens[field]!.kind !== 'word') return undefined;
    const before = this.rewrite({ start: call.name + 1, end: field });
    const after = this.rewrite({ start: field + 1, end: call.close + 1 });
    return `${this.tokens[call.name]!.text}${before}${duckField}${after}`;
  }

  /** `contains('10.0.0.0/8', ip)` is Trino's CIDR test; `contains(array, x)` is left to DuckDB. */
  contains(call: TokenCall): string | undefined {
    if (call.args.length !== 2) return undefined;
    const [network, address] = call.args as [TokenRange, TokenRange];
    const sig = significantIn(this.tokens, network);
    const literalNetwork = sig.length === 1 && this.tokens[sig[0]!]!.kind === 'string';
    if (!literalNetwork && !this.isIpExpression(address)) return undefined;
    return `trino_ip_contains${this.rewrite({ start: call.name + 1, end: call.close + 1 })}`;
  }

  /** Whether a range is an IPADDRESS value: a CAST to it or an `IPADDRESS '…'` literal. */
  isIpExpression(range: TokenRange): boolean {
    const inner = unwrap(this.tokens, range);
    const sig = significantIn(this.tokens, inner);
    if (sig.length === 2 && isWord(this.tokens[sig[0]!], 'ipaddress') && this.tokens[sig[1]!]!.kind === 'string') {
      return true;
    }
    const call = wholeCall(this.tokens, inner);
    if (!call) return false;
    const name = this.tokens[call.name]!.text.toLowerCase();
    if (IP_FUNCTIONS.has(name)) return true;
    if (name !== 'cast' && name !== 'try_cast') return false;
    const as = topLevelWord(this.tokens, { start: call.open + 1, end: call.close }, 'as');
    const type = significantIn(this.tokens, { start: as + 1, end: call.close });
    return as >= 0 && type.length === 1 && isWord(this.tokens[type[0]!], 'ipaddress');
  }

  /** Whether a range is a JSON value made by `json_extract` or `json_parse`. */
  isJsonExpression(range: TokenRange): boolean {
    const call = wholeCall(this.tokens, range);
    const name = call && this.tokens[call.name]!.text.toLowerCase();
    return name === 'json_extract' || name === 'json_parse';
  }

  /** A replacement starting at the word token `at`, or undefined to copy the word. */
  private word(at: number, end: number): { text: string; next: number } | undefined {
    const { tokens } = this;
    const name = tokens[at]!.text.toLowerCase();
    const next = nextSignificant(tokens, at + 1, end);
    const following = next < 0 ? undefined : tokens[next];
    if (following?.kind === 'string') return this.typedLiteral(at, name, next);
    // Athena takes `default.table`; DuckDB reserves DEFAULT and needs the schema quoted.
    if (name === 'default' && isPunct(following, '.')) return { text: '"default"', next: at + 1 };
    if (!isPunct(following, '(') || !hasRule(name) || isPunct(tokens[previousSignificant(tokens, at)], '.')) return undefined;
    const call = callAt(tokens, at);
    if (!call || call.close >= end) return undefined;
    const text = this.call(call, name);
    return text === undefined ? undefined : { text, next: call.close + 1 };
  }

  /** The replacement for a call, or undefined when the name needs no help. */
  private call(call: TokenCall, name: string): string | undefined {
    const special = lookup(CALL_RULES, name)?.(call, this);
    if (special !== undefined) return special;
    const matcher = lookup(LAMBDA_MATCHERS, name);
    if (matcher && call.args.length === 2) {
      const [array, predicate] = this.args(call);
      return `${matcher}(list_transform(${array}, ${predicate}))`;
    }
    const renamed = lookup(FUNCTION_RENAMES, name);
    return renamed === undefined ? undefined : `${renamed}${this.rewrite({ start: call.name + 1, end: call.close + 1 })}`;
  }

  /** `IPADDRESS '…'` and zoned `TIMESTAMP '…'` literals. */
  private typedLiteral(at: number, name: string, literal: number): { text: string; next: number } | undefined {
    const text = this.tokens[literal]!.text;
    if (name === 'ipaddress') return { text: `trino_ipaddress(${text})`, next: literal + 1 };
    if (name === 'timestamp' && ZONED_TIMESTAMP.test(text)) {
      return { text: `TIMESTAMPTZ${textOf(this.tokens, { start: at + 1, end: literal + 1 })}`, next: literal + 1 };
    }
    return undefined;
  }
}
