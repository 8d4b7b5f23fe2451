import { describe, expect, it } from 'vitest';
import { loadTslab, showHtml, type TslabLike } from '../../lib/display/notebook';

describe('showHtml', () => {
  it('sends HTML to tslab when it is there, without building the text', () => {
    const shown: string[] = [];
    const tslab: TslabLike = { display: { html: (s) => void shown.push(s) } };
    const how = showHtml('<b>x</b>', () => {
      throw new Error('text should not be built');
    }, { loadTslab: () => tslab });
    expect(how).toBe('html');
    expect(shown).toEqual(['<b>x</b>']);
  });

  it('prints the text when tslab is missing', () => {
    const written: string[] = [];
    const how = showHtml('<b>x</b>', () => 'x', { loadTslab: () => undefined, writeText: (s) => void written.push(s) });
    expect(how).toBe('text');
    expect(written).toEqual(['x']);
  });

  it('prints the text when tslab is loaded outside a kernel and throws', () => {
    const written: string[] = [];
    const tslab: TslabLike = {
      display: {
        html: () => {
          throw new Error('Not ready');
        },
      },
    };
    const how = showHtml('<b>x</b>', () => 'x', { loadTslab: () => tslab, writeText: (s) => void written.push(s) });
    expect(how).toBe('text');
    expect(written).toEqual(['x']);
  });
});

describe('loadTslab', () => {
  it('finds the tslab installed with irbook, which outside a kernel falls back to text', () => {
    const tslab = loadTslab();
    expect(tslab).toBeDefined();
    expect(() => tslab!.display.html('<b>x</b>')).toThrow(/Not ready/);
    const written: string[] = [];
    expect(showHtml('<b>x</b>', () => 'x', { writeText: (s) => void written.push(s) })).toBe('text');
    expect(written).toEqual(['x']);
  });
});
