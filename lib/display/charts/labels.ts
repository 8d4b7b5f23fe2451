/** Short, unique axis and legend labels for long identifiers such as IAM ARNs. */

import { countOption } from '../../options';

/** How long a label may be, in characters, unless the chart's `labelLength` says otherwise. */
const DEFAULT_LABEL_LENGTH = 56;

// arn:partition:service:region:account-id:resource (the resource may itself contain colons).
const ARN = /^arn:[^:]*:[^:]*:[^:]*:([^:]*):(.+)$/s;

/**
 * A readable label for an identifier. An ARN becomes `resource (account)` —
 * `arn:aws:sts::123456789012:assumed-role/Admin/s1` → `assumed-role/Admin/s1 (123456789012)` —
 * because the resource is what tells entities apart and the prefix is the same for all. Text
 * longer than `maxLength` keeps its start and end with `…` between them (for an ARN, the
 * resource is cut and the account kept).
 *
 * @example
 * shortLabel('arn:aws:iam::123456789012:user/alice'); // 'user/alice (123456789012)'
 */
export function shortLabel(id: string, maxLength = DEFAULT_LABEL_LENGTH): string {
  const arn = ARN.exec(id);
  if (!arn) return cutMiddle(id, maxLength);
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
 * Labels for distinct identifiers, one each, all different: two ids whose short labels would
 * coincide get their full text instead (a chart must never merge two entities into one bar),
 * and a clash that remains gets ` #2`, ` #3`.
 *
 * @returns a map from each id to its label
 * @example
 * uniqueLabels(['arn:aws:iam::1:user/a', 'arn:aws:iam::1:user/b']); // user/a (1), user/b (1)
 */
export function uniqueLabels(ids: readonly string[], maxLength = DEFAULT_LABEL_LENGTH): Map<string, string> {
  const distinct = [...new Set(ids)];
  const short = distinct.map((id) => shortLabel(id, maxLength));
  const counts = new Map<string, number>();
  for (const s of short) counts.set(s, (counts.get(s) ?? 0) + 1);
  const used = new Set<string>();
  const labels = new Map<string, string>();
  distinct.forEach((id, i) => {
    const s = short[i] ?? id;
    let label = (counts.get(s) ?? 0) > 1 ? id : s;
    for (let n = 2; used.has(label); n++) label = `${(counts.get(s) ?? 0) > 1 ? id : s} #${n}`;
    used.add(label);
    labels.set(id, label);
  });
  return labels;
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
