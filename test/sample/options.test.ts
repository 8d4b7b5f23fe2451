import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import { SAMPLE_DEFAULTS, generateSample, type SampleOptions } from '../../lib/sample';
import { tempDir } from '../support/cloudtrail-fixtures';

const { path: root, cleanup } = tempDir('irbook-sample-opt-');

afterAll(cleanup);

async function rejection(options: unknown): Promise<OptionError> {
  const error = await generateSample(options as SampleOptions).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OptionError);
  return error as OptionError;
}

describe('generateSample options', () => {
  it('has documented defaults', () => {
    expect(SAMPLE_DEFAULTS).toEqual({ events: 100_000, seed: 1 });
  });

  it.each([
    [{ events: 5000 }, 'out', undefined],
    [{ out: '' }, 'out', ''],
    [{ out: 42 }, 'out', 42],
  ])('rejects a missing or empty out: %j', async (options, option, value) => {
    const e = await rejection(options);
    expect(e.option).toBe(option);
    expect(e.value).toBe(value);
  });

  it.each([999, 0, -5, 1000.5, Number.NaN, Infinity, '5000'])('rejects events = %s', async (events) => {
    const e = await rejection({ out: join(root, 'x'), events });
    expect(e.option).toBe('events');
    expect(e.value).toBe(events);
    expect(e.message).toContain('1000');
  });

  it.each([1.5, '1', Number.NaN])('rejects seed = %s', async (seed) => {
    const e = await rejection({ out: join(root, 'x'), seed });
    expect(e.option).toBe('seed');
  });

  it('rejects an onProgress that is not a function', async () => {
    const e = await rejection({ out: join(root, 'x'), onProgress: 'yes' });
    expect(e.option).toBe('onProgress');
  });

  it.each(['replace', 'lake'])('rejects a %s that is not true or false', async (option) => {
    const e = await rejection({ out: join(root, 'x'), [option]: 'yes' });
    expect(e.option).toBe(option);
    expect(e.value).toBe('yes');
  });

  it('rejects unknown options by name', async () => {
    const e = await rejection({ out: join(root, 'x'), event: 5000 });
    expect(e.option).toBe('event');
    expect(e.message).toContain('events');
  });

  it('rejects a non-object', async () => {
    const e = await rejection(undefined);
    expect(e.option).toBe('options');
  });

  it('refuses to write over an earlier sample or into a file', async () => {
    const used = join(root, 'used');
    mkdirSync(join(used, 'AWSLogs'), { recursive: true });
    expect((await rejection({ out: used })).option).toBe('out');
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect((await rejection({ out: file })).option).toBe('out');
  });
});

describe('generateSample failures', () => {
  it('stops with the error an onProgress callback throws', async () => {
    const out = join(root, 'progress-throws');
    const error = await generateSample({
      out,
      events: 1000,
      onProgress: () => {
        throw new RangeError('stop here');
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('stop here');
  });
});
