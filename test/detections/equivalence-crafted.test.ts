/**
 * The crafted rules (every modifier, condition form and value kind) and the reference and
 * own packs over the crafted log set: on both targets, each compiled rule's hits equal the
 * independent evaluator's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cloudtrail-fixtures';
import { compilePack, craftedPack, ownPack, referencePack, ruleKey, type Pack } from './equivalence';
import { TARGETS, defineEquivalence } from './equivalence-suite';
import { writeCraftedLogs } from './crafted-logs';
import type { JsonRecord } from './evaluator';

const crafted = craftedPack();
const packs = [crafted, referencePack(), ownPack()].filter((p): p is Pack => p !== undefined);

describe('the crafted rules', () => {
  it.each(TARGETS)('compile for %s, all but a keyword search and modifiers Sigma has and irbook does not, which both sides refuse', (target) => {
    const result = compilePack(crafted, target);
    expect(result.problems.map(ruleKey)).toEqual([...crafted.evaluatorUnsupported.keys()]);
    expect(crafted.evaluatorUnsupported.size).toBe(5);
    expect(result.compiled).toHaveLength(crafted.evaluator.size);
  });

  it('each match some crafted records and miss others, or test that nothing matches', () => {
    // A rule every record matched would prove nothing about its modifier.
    const records = writeAndRead();
    for (const rule of crafted.evaluator.values()) {
      const hits = records.filter((r) => rule.matches(r)).length;
      expect(hits, rule.title).toBeLessThan(records.length);
    }
    const silent = [...crafted.evaluator.values()].filter((rule) => !records.some((r) => rule.matches(r))).map((r) => r.title);
    expect(silent.sort()).toEqual([
      'Crafted: leading space is part of the value',
      'Crafted: missing key',
      'Crafted: null on an object member',
      'Crafted: whole JSON text has no raw quotes inside values',
    ]);
  });
});

function writeAndRead(): JsonRecord[] {
  const dir = tempDir('irbook-crafted-read-');
  try {
    writeCraftedLogs(dir.path);
    return readAll(dir.path);
  } finally {
    dir.cleanup();
  }
}

/** The crafted files parsed back, as the evaluator must see them: from the bytes written. */
function readAll(root: string): JsonRecord[] {
  const records: JsonRecord[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else records.push(...(JSON.parse(gunzipSync(readFileSync(full)).toString('utf8')) as { Records: JsonRecord[] }).Records);
    }
  };
  walk(root);
  return records;
}

defineEquivalence('crafted log set', packs, async () => {
  const dir = tempDir('irbook-equivalence-crafted-');
  writeCraftedLogs(dir.path);
  return { logs: dir.path, records: readAll(dir.path), cleanup: dir.cleanup };
});
