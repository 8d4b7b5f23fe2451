/**
 * Sigma rule files read with the YAML parser alone (not lib/detections), so tests can hold the
 * project's pack and the sample's ground truth to the rules' text independently of the compiler.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository's own pack. */
export const OWN_PACK_DIR = resolve(__dirname, '..', '..', 'rules');

/** One YAML document of a rule file. */
export interface RuleDoc {
  readonly file: string;
  /** 1-based position in its file. */
  readonly index: number;
  readonly doc: Record<string, unknown>;
  /** YAML errors of this document, as messages. */
  readonly errors: readonly string[];
}

/** Every document of every `.yml`/`.yaml` file in `dir`, in file order. */
export function readRuleDocs(dir: string): RuleDoc[] {
  const out: RuleDoc[] = [];
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const file of files) {
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).forEach((d, i) => {
      if (!('toJS' in d)) return;
      const errors = d.errors.map((e) => e.message);
      const value: unknown = errors.length === 0 ? d.toJS() : {};
      const doc = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      out.push({ file, index: i + 1, doc, errors });
    });
  }
  return out;
}

/** A correlation document's `correlation` section, or undefined for a detection rule. */
export function correlationOf(doc: Record<string, unknown>): Record<string, unknown> | undefined {
  const c = doc.correlation;
  return typeof c === 'object' && c !== null ? (c as Record<string, unknown>) : undefined;
}

/** The rules a correlation names, resolved by `name` or `id` among `docs`. */
export function baseRulesOf(corr: Record<string, unknown>, docs: readonly RuleDoc[]): RuleDoc[] {
  const refs = Array.isArray(corr.rules) ? corr.rules.map(String) : [];
  return refs.map((ref) => {
    const found = docs.find((d) => d.doc.name === ref || d.doc.id === ref);
    if (!found) throw new Error(`correlation names rule "${ref}", which is not in the pack`);
    return found;
  });
}

/** Every value of `field` (any modifier) in a detection section's selections. */
export function valuesOfField(detection: unknown, field: string): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key.split('|')[0] === field) out.push(...(Array.isArray(value) ? value : [value]).map(String));
        else visit(value);
      }
    }
  };
  visit(detection);
  return out;
}

/**
 * Rules that report on their own: correlations, and detection rules no correlation of the
 * pack names without `generate: true` (Sigma's default is that a correlation's rules do not).
 */
export function reportedRules(docs: readonly RuleDoc[]): RuleDoc[] {
  const hidden = new Set<RuleDoc>();
  for (const d of docs) {
    const corr = correlationOf(d.doc);
    if (corr && corr.generate !== true) for (const b of baseRulesOf(corr, docs)) hidden.add(b);
  }
  return docs.filter((d) => !hidden.has(d));
}
