/**
 * A Sigma field name (CloudTrail's JSON spelling: `eventName`, `userIdentity.arn`,
 * `requestParameters.bucketName`) as SQL over one row of a target's table. Field names are
 * matched to the CloudTrail schema case-insensitively; members inside JSON-text columns are
 * taken as written (JSON keys are case-sensitive). Everything pasted into the SQL comes from
 * the schema or is a JSON path / map key written as an escaped literal.
 */
import { CLOUDTRAIL_FIELDS, type Field, type FieldType } from '../sources/cloudtrail-schema';
import {
  OCSF_DERIVED_FIELDS,
  OCSF_FIELDS,
  OCSF_FLATTENED_JSON_COLUMNS,
  OCSF_FLATTENED_MAPS,
  ocsfFlattenedMember,
  unmapped,
} from '../sources/ocsf/cloudtrail-fields';
import { sql, sqlLiteral, type SqlFragment } from '../sql';
import { RuleCompileError, RuleReason } from './errors';
import type { DetectionTarget, RuleAttribution } from './types';

/** How a rule's value tests read one field. */
export interface FieldAccess {
  /** The value as text (NULL when missing, JSON null, or an object/array inside JSON). */
  readonly text: SqlFragment;
  /**
   * True when the field has a value (an object or list inside JSON included), false when it is
   * missing or JSON null; never NULL. What `null` and `exists` test.
   */
  readonly present: SqlFragment;
}

/** A Sigma field found in the CloudTrail schema. */
type Resolved =
  | { readonly kind: 'column'; readonly keyPath: string; readonly columnPath: string }
  | { readonly kind: 'json'; readonly column: Field; readonly members: readonly string[] }
  | { readonly kind: 'map-entry'; readonly keyPath: string; readonly columnPath: string; readonly key: string };

function describe(type: FieldType): string {
  if (type === 'string' || type === 'json') return 'text';
  if ('struct' in type) return 'a struct';
  if ('array' in type) return 'a list';
  return 'a map';
}

/** Finds the field in the CloudTrail schema (case-insensitively) or says why it is not there. */
function resolve(sigmaField: string): Resolved {
  const parts = sigmaField.split('.');
  if (parts.some((p) => p === '')) throw new RuleReason(`field "${sigmaField}" has an empty part`);
  let fields: readonly Field[] = CLOUDTRAIL_FIELDS;
  const keys: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const field = fields.find((f) => f.key.toLowerCase() === part.toLowerCase());
    if (field === undefined) {
      const where = keys.length === 0 ? 'the CloudTrail record' : keys.join('.');
      throw new RuleReason(`field "${sigmaField}" is not a CloudTrail field ("${part}" is not in ${where})`);
    }
    keys.push(field.key);
    names.push(field.name);
    const rest = parts.slice(i + 1);
    const type = field.type;
    if (type === 'json') return { kind: 'json', column: field, members: rest };
    if (type === 'string') {
      if (rest.length > 0) throw new RuleReason(`field "${sigmaField}": ${keys.join('.')} is text, it has no members`);
      return { kind: 'column', keyPath: keys.join('.'), columnPath: names.join('.') };
    }
    if ('struct' in type) {
      if (rest.length === 0) throw new RuleReason(`field "${sigmaField}" is a struct; name one of its members`);
      fields = type.struct;
      continue;
    }
    if ('map' in type) {
      if (rest.length !== 1) throw new RuleReason(`field "${sigmaField}": ${keys.join('.')} is a map; name one key after it`);
      return { kind: 'map-entry', keyPath: keys.join('.'), columnPath: names.join('.'), key: rest[0]! };
    }
    throw new RuleReason(`field "${sigmaField}": ${keys.join('.')} is ${describe(type)} (a value test on its elements is not supported)`);
  }
  throw new RuleReason(`field "${sigmaField}" is empty`);
}

/** `$.a.b` or `$["key-with-dash"]`: Trino's JSON path, which the local engine also reads. */
function jsonPath(sigmaField: string, members: readonly string[]): string {
  return '$' + members.map((member) => {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(member)) return `.${member}`;
    if (/["\\\u0000-\u001f]/.test(member)) {
      throw new RuleReason(`field "${sigmaField}": the JSON key "${member}" has a character a JSON path cannot name`);
    }
    return `["${member}"]`;
  }).join('');
}

function inJson(sigmaField: string, column: string, members: readonly string[]): FieldAccess {
  if (members.length === 0) {
    return same(column);
  }
  const path = sql.literal(jsonPath(sigmaField, members));
  const col = sql.raw(column);
  // json_extract gives JSON null as the text 'null', which Sigma's null matches.
  return {
    text: sql`json_extract_scalar(${col}, ${path})`,
    present: sql`coalesce(json_format(json_extract(${col}, ${path})) <> 'null', false)`,
  };
}

function same(text: string): FieldAccess {
  const fragment = sql.raw(text);
  return { text: fragment, present: sql`(${fragment} IS NOT NULL)` };
}

function cloudTrailAccess(sigmaField: string, found: Resolved): FieldAccess {
  switch (found.kind) {
    case 'column':
      return same(found.columnPath);
    case 'json':
      return inJson(sigmaField, found.column.name, found.members);
    case 'map-entry':
      return same(`element_at(${found.columnPath}, ${sqlLiteral(found.key)})`);
  }
}

function ocsfAccess(sigmaField: string, found: Resolved): FieldAccess {
  const unmappedHere = (what: string): never => {
    throw new RuleReason(`field "${sigmaField}" has no OCSF mapping (${what})`);
  };
  switch (found.kind) {
    case 'column':
      if (!Object.hasOwn(OCSF_FIELDS, found.keyPath)) return unmappedHere(`the CloudTrail → OCSF mapping does not keep ${found.keyPath}`);
      return same(OCSF_FIELDS[found.keyPath]!);
    case 'map-entry':
      if (!OCSF_FLATTENED_MAPS.includes(found.keyPath)) return unmappedHere(`the mapping does not keep ${found.keyPath}`);
      return same(unmapped(`${found.keyPath}.${found.key}`));
    case 'json': {
      const key = found.column.key;
      // requestParameters and responseElements: kept whole as JSON text in an OCSF attribute.
      if (Object.hasOwn(OCSF_FIELDS, key)) return inJson(sigmaField, OCSF_FIELDS[key]!, found.members);
      if (!OCSF_FLATTENED_JSON_COLUMNS.includes(key)) return unmappedHere(`the mapping does not keep ${key}`);
      const [first, ...deeper] = found.members;
      if (first === undefined) return unmappedHere(`the mapping keeps ${key} only member by member, in unmapped`);
      const member = ocsfFlattenedMember(key, first);
      // Deeper members are inside the first-level member's JSON text.
      return deeper.length === 0 ? same(member) : inJson(sigmaField, member, deeper);
    }
  }
}

/**
 * How value tests read a Sigma field on a target; throws `RuleReason` when the field has no
 * place there.
 */
export function fieldAccess(target: DetectionTarget, sigmaField: string): FieldAccess {
  const derived = Object.entries(OCSF_DERIVED_FIELDS).find(([name]) => name.toLowerCase() === sigmaField.toLowerCase());
  if (derived !== undefined) return same(derived[1][target]);
  const found = resolve(sigmaField);
  return target === 'cloudtrail' ? cloudTrailAccess(sigmaField, found) : ocsfAccess(sigmaField, found);
}

/**
 * A Sigma field (CloudTrail's spelling) as a SQL expression giving its value as text on a
 * target's table (columns unqualified). Throws `RuleCompileError` naming the field when it is
 * not a CloudTrail field or the target does not keep it; `rule` names the rule in that error.
 *
 * @example
 * fieldExpression('cloudtrail', 'userIdentity.sessionContext.sessionIssuer.type').toString();
 * // 'useridentity.sessioncontext.sessionissuer.type'
 * fieldExpression('ocsf', 'requestParameters.bucketName').toString();
 * // "json_extract_scalar(api.request.data, '$.bucketName')"
 */
export function fieldExpression(target: DetectionTarget, sigmaField: string, rule?: RuleAttribution): SqlFragment {
  try {
    return fieldAccess(target, sigmaField).text;
  } catch (error) {
    if (!(error instanceof RuleReason)) throw error;
    throw new RuleCompileError(rule?.title ?? `field ${sigmaField}`, rule?.id, rule?.source ?? `target ${target}`, error.message);
  }
}
