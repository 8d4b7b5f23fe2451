import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  loadTslabJupyter,
  showBundle,
  topEntitiesChart,
  VEGA_LITE_MIME,
  type DisplayDataMessage,
  type TslabJupyterLike,
} from '../../../lib/display/charts';
import { ALICE, DEPLOY, topEntities } from './fixtures';

/** A stand-in for `tslab/dist/jupyter` inside a kernel: records every display message. */
function fakeKernel(): { jupyter: TslabJupyterLike; sent: [DisplayDataMessage, boolean][] } {
  const sent: [DisplayDataMessage, boolean][] = [];
  return { jupyter: { lastWriteDisplayData: (message, update) => void sent.push([message, update]) }, sent };
}

describe('showBundle', () => {
  const bundle = { 'text/plain': 'a chart', 'image/svg+xml': '<svg/>', [VEGA_LITE_MIME]: { mark: 'bar' } };

  it('sends every MIME type in one display_data message', () => {
    const { jupyter, sent } = fakeKernel();
    const written: string[] = [];
    expect(showBundle(bundle, { loadJupyter: () => jupyter, writeText: (s) => void written.push(s) })).toBe('bundle');
    expect(sent).toEqual([[{ data: bundle, metadata: {}, transient: {} }, false]]);
    expect(written).toEqual([]);
  });

  it('prints the text outside a kernel: no tslab, or tslab without a kernel, or a failing kernel', () => {
    const targets = [
      () => undefined,
      () => ({ lastWriteDisplayData: null }),
      () => ({
        lastWriteDisplayData: () => {
          throw new Error('socket closed');
        },
      }),
    ];
    for (const loadJupyter of targets) {
      const written: string[] = [];
      expect(showBundle(bundle, { loadJupyter, writeText: (s) => void written.push(s) })).toBe('text');
      expect(written).toEqual(['a chart']);
    }
  });

  it('finds no kernel in a test run', () => {
    // tslab may be installed here, but no kernel has set its writer.
    expect(loadTslabJupyter()?.lastWriteDisplayData ?? null).toBeNull();
  });
});

describe('Chart', () => {
  const chart = () => topEntitiesChart(topEntities([ALICE, DEPLOY]));

  it('displays the spec, its SVG and a line of text in one bundle', async () => {
    const { jupyter, sent } = fakeKernel();
    const c = chart();
    expect(await c.display({ loadJupyter: () => jupyter })).toBeUndefined();
    expect(sent).toHaveLength(1);
    const data = sent[0]?.[0].data;
    expect(Object.keys(data ?? {}).sort()).toEqual(['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
    expect(data?.[VEGA_LITE_MIME]).toBe(c.spec);
    expect(data?.['image/svg+xml']).toBe(await c.toSvg());
    expect(data?.['text/plain']).toBe(
      'Chart "IAM entities with the most authorization failures": 2 entities, 3 failures (SVG: await chart.toSvg())',
    );
  });

  it('prints the title, what it holds and where the SVG is when there is no kernel', async () => {
    const written: string[] = [];
    await chart().display({ loadJupyter: () => undefined, writeText: (s) => void written.push(s) });
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('IAM entities with the most authorization failures');
    expect(written[0]).toContain('2 entities');
    expect(written[0]).toContain('toSvg()');
  });

  it('prints its description when logged', () => {
    expect(inspect(chart())).toContain('2 entities, 3 failures');
  });
});
