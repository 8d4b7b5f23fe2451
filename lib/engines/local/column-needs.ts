/**
 * Works out which CloudTrail columns, and which struct members, a query can read, so the
 * scan parses only those from JSON. Parsing is most of a scan's cost: a query over
 * `useridentity.arn` and `errorcode` reads about twice as fast as one over every field.
 * Over-approximating is safe (an alias named like a column just reads a column more);
 * `*` or a bare struct reference reads it whole.
 */
import { CLOUDTRAIL_FIELDS, CLOUDTRAIL_PARTITIONS, type Field } from '../../sources/cloudtrail-schema';
import { identifierOf, isSignificant, type TrinoToken as Token } from './trino/tokens';

/** Member paths wanted under a column; `all` means the whole value. */
export type MemberNeeds = 'all' | readonly (readonly string[])[];

/** The columns a query needs: every column, or a map from Athena column name to member paths. */
export type ColumnNeeds = 'all' | ReadonlyMap<string, MemberNeeds>;

const FIELD_BY_NAME = new Map(CLOUDTRAIL_FIELDS.map((f) => [f.name, f]));
const STAR_AFTER = new Set(['select', 'distinct', 'all', ',', '.', 'by']);

/** Partition columns fall back to record fields when the path does not hold them. */
const PARTITION_SOURCES: Record<(typeof CLOUDTRAIL_PARTITIONS)[number], string> = {
  account_partition: 'recipientaccountid',
  region_partition: 'awsregion',
  date_partition: 'eventtime',
};

/** Reads the tokens of a query and says which columns it may touch. */
export function columnNeeds(tokens: readonly Token[]): ColumnNeeds {
  const sig = tokens.filter(isSignificant);
  const needs = new Map<string, 'all' | string[][]>();
  for (let i = 0; i < sig.length; i++) {
    const token = sig[i] as Token;
    if (token.text === '*' && isStar(sig[i - 1])) return 'all';
    const name = identifierOf(token);
    if (name === undefined) continue;
    if (name === 'columns' && sig[i + 1]?.text === '(') return 'all';
    if (name in PARTITION_SOURCES) {
      needs.set(name, 'all');
      addNeed(needs, PARTITION_SOURCES[name as keyof typeof PARTITION_SOURCES], []);
      continue;
    }
    if (!FIELD_BY_NAME.has(name)) continue;
    const path: string[] = [];
    for (let j = i + 1; sig[j]?.text === '.' && identifierOf(sig[j + 1]) !== undefined; j += 2) {
      path.push(identifierOf(sig[j + 1]) as string);
    }
    addNeed(needs, name, path);
  }
  if (![...needs.keys()].some((k) => FIELD_BY_NAME.has(k))) needs.set('eventversion', 'all');
  return needs;
}

function isStar(previous: Token | undefined): boolean {
  if (!previous) return true;
  const text = previous.kind === 'word' ? previous.text.toLowerCase() : previous.text;
  return STAR_AFTER.has(text);
}

function addNeed(needs: Map<string, 'all' | string[][]>, name: string, path: string[]): void {
  const current = needs.get(name);
  if (current === 'all') return;
  if (path.length === 0) needs.set(name, 'all');
  else needs.set(name, [...(current ?? []), path]);
}

/** The fields to read for these needs, with structs cut down to the wanted members. */
export function fieldsToRead(needs: ColumnNeeds): Field[] {
  if (needs === 'all') return [...CLOUDTRAIL_FIELDS];
  const out: Field[] = [];
  for (const field of CLOUDTRAIL_FIELDS) {
    const need = needs.get(field.name);
    if (need !== undefined) out.push(prune(field, need));
  }
  return out;
}

/** The partition columns these needs include. */
export function partitionsToRead(needs: ColumnNeeds): (typeof CLOUDTRAIL_PARTITIONS)[number][] {
  return CLOUDTRAIL_PARTITIONS.filter((p) => needs === 'all' || needs.has(p));
}

function prune(field: Field, need: MemberNeeds): Field {
  if (need === 'all' || typeof field.type === 'string' || !('struct' in field.type)) return field;
  if (need.some((path) => path.length === 0)) return field;
  const members: Field[] = [];
  for (const member of field.type.struct) {
    const below = need.filter((path) => path[0] === member.name).map((path) => path.slice(1));
    if (below.length === 0) continue;
    members.push(prune(member, below.some((p) => p.length === 0) ? 'all' : below));
  }
  // A path naming no real member (a typo) must still reach DuckDB so it reports the error.
  if (members.length === 0) return field;
  return { ...field, type: { struct: members } };
}
