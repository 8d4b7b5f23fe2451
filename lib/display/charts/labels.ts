/** Short, unique axis and legend labels for long identifiers such as IAM ARNs. */

import { countOption } from '../../options';

/** How long a label may be, in characters, unless the chart's `labelLength` says otherwise. */
const DEFAULT_LABEL_LENGTH = 64;

// arn:partition:service:region:account-id:resource (the resource may itself contain colons).
const ARN = /^arn:[^:]*:[^:]*:[^:]*:([^:]*):(.+)$/s;
// IAM Identity Center's roles: AWSReservedSSO_<permission set>_<16 hex>. The permission set
// (AdministratorAccess, ReadOnly) is what tells them apart; prefix and suffix are noise.
const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/s;

/** The part of a principal's ARN resource that names it, and what kind of principal it is. */
interface PrincipalName {
  readonly name: string;
  readonly kind: string;
}

/** `user/path/alice` → alice (user); SSO roles by permission set; sessions as role/session. */
function principalName(resource: string): PrincipalName | undefined {
  const [type = '', ...rest] = resource.split('/');
  const last = rest[rest.length - 1];
  if (resource === 'root') return { name: 'root', kind: 'account root' };
  if (last === undefined || last === '') return undefined;
  if (type === 'user') return { name: last, kind: 'user' };
  if (type === 'federated-user') return { name: last, kind: 'federated user' };
  if (type === 'role') {
    const sso = SSO_ROLE.exec(last);
    return sso ? { name: sso[1] ?? last, kind: 'SSO role' } : { name: last, kind: 'role' };
  }
  if (type === 'assumed-role' && rest.length >= 2) {
    const [role = '', ...session] = rest;
    const sso = SSO_ROLE.exec(role);
    return { name: `${sso?.[1] ?? role}/${session.join('/')}`, kind: sso ? 'SSO session' : 'role session' };
  }
  return undefined;
}

/**
 * A readable label for an identifier. For an IAM or STS principal's ARN the label starts with
 * what tells principals apart, then says what kind it is and in which account:
 *
 * - `…:user/ops/alice` → `alice (user, 123456789012)`
 * - `…:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_d13d66fe184604b7`
 *   → `AdministratorAccess (SSO role, 123456789012)`
 * - `…:assumed-role/AWSReservedSSO_ReadOnly_…/alice@example.com` → `ReadOnly/alice@example.com (SSO session, …)`
 * - `…:assumed-role/Deploy/ci` → `Deploy/ci (role session, …)`
 *
 * Other ARNs become `resource (account)`. Text longer than `maxLength` keeps its start and end
 * with `…` between them; a principal's label drops the account, then the kind, before its
 * name is cut.
 *
 * @example
 * shortLabel('arn:aws:iam::123456789012:user/alice'); // 'alice (user, 123456789012)'
 */
export function shortLabel(id: string, maxLength = DEFAULT_LABEL_LENGTH): string {
  const arn = ARN.exec(id);
  if (!arn) return cutMiddle(id, maxLength);
  const [, account = '', resource = id] = arn;
  const principal = principalName(resource);
  if (!principal) return resourceLabel(id, maxLength) ?? cutMiddle(id, maxLength);
  // The name matters most, then the kind, then the account: drop from the end to fit.
  const suffixes = [` (${[principal.kind, account].filter((s) => s !== '').join(', ')})`, ` (${principal.kind})`, ''];
  const nameLength = Array.from(principal.name).length;
  const suffix = suffixes.find((s) => nameLength + s.length <= maxLength) ?? '';
  return `${cutMiddle(principal.name, Math.max(8, maxLength - suffix.length))}${suffix}`;
}

/** An ARN as `resource (account)`, the whole resource kept as far as `maxLength` allows. */
function resourceLabel(id: string, maxLength: number): string | undefined {
  const arn = ARN.exec(id);
  if (!arn) return undefined;
  const suffix = arn[1] ? ` (${arn[1]})` : '';
  return `${cutMiddle(arn[2] ?? id, Math.max(8, maxLength - suffix.length))}${suffix}`;
}

/** Keep the start (a little more of it: type and name come first) and the end of long text. */
function cutMiddle(text: string, maxLength: number): string {
  const chars = Array.from(text); // by code point, so a cut never splits a surrogate pair
  if (chars.length <= maxLength) return text;
  const head = Math.ceil((maxLength - 1) * 0.55);
  const tail = maxLength - 1 - head;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/**
 * Labels for distinct identifiers, one each, all different (a chart must never merge two
 * entities into one bar). Ids whose short labels coincide (two SSO roles with the same
 * permission set) fall back to `resource (account)`, then to their full text; a clash that
 * remains gets ` #2`, ` #3`.
 *
 * @returns a map from each id to its label
 * @example
 * uniqueLabels(['arn:aws:iam::1:user/a', 'arn:aws:iam::1:user/b']); // a (user, 1), b (user, 1)
 */
export function uniqueLabels(ids: readonly string[], maxLength = DEFAULT_LABEL_LENGTH): Map<string, string> {
  const distinct = [...new Set(ids)];
  const ways: ((id: string) => string)[] = [
    (id) => shortLabel(id, maxLength),
    (id) => resourceLabel(id, maxLength) ?? id,
    (id) => id,
  ];
  const chosen = new Map<string, string>();
  const used = new Set<string>();
  let pending = distinct;
  for (const way of ways) {
    const labels = pending.map((id) => [id, way(id)] as const);
    const counts = new Map<string, number>();
    for (const [, label] of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    for (const [id, label] of labels) {
      if (counts.get(label) !== 1 || used.has(label)) continue;
      chosen.set(id, label);
      used.add(label);
    }
    pending = pending.filter((id) => !chosen.has(id));
  }
  for (const id of pending) {
    let label = `${id} #2`;
    for (let n = 3; used.has(label); n++) label = `${id} #${n}`;
    chosen.set(id, label);
    used.add(label);
  }
  return new Map(distinct.map((id) => [id, chosen.get(id) ?? id]));
}

/**
 * Check a `labelLength` option: an integer of at least 8 characters.
 *
 * @throws OptionError (`labelLength`)
 * @example
 * const n = labelLengthOption('topEntitiesChart', options.labelLength);
 */
export function labelLengthOption(where: string, value: unknown): number {
  return countOption(where, 'labelLength', value, DEFAULT_LABEL_LENGTH, { min: 8 });
}
