import { describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import {
  cellSource,
  declaredParameters,
  injectParameters,
  parseParameterArgs,
  type Notebook,
} from '../../lib/jupyter/parameters';
import { optionError } from '../support/capture';

function notebook(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', metadata: {}, source: '# Playbook' },
      {
        cell_type: 'code',
        metadata: { tags: ['parameters'] },
        source: ["let engine = 'local';   // or 'athena'\n", "let limit = 5;\n", 'let apply: boolean = false;\n', "let suspect = '';\n"],
        outputs: [],
        execution_count: null,
      },
      { cell_type: 'code', metadata: {}, source: 'console.log(suspect)', outputs: [], execution_count: null },
    ],
  };
}

describe('declaredParameters', () => {
  it('reads the let declarations of the parameters cell with their kinds', () => {
    expect(declaredParameters(notebook())).toEqual([
      { name: 'engine', kind: 'string', defaultText: "'local'" },
      { name: 'limit', kind: 'number', defaultText: '5' },
      { name: 'apply', kind: 'boolean', defaultText: 'false' },
      { name: 'suspect', kind: 'string', defaultText: "''" },
    ]);
  });

  it('fails, naming the tag, when no cell is tagged parameters', () => {
    const nb = notebook();
    nb.cells[1]!.metadata = {};
    expect(() => declaredParameters(nb)).toThrow(OptionError);
  });
});

describe('injectParameters', () => {
  it('adds one tagged cell right after the parameters cell, values typed as declared', () => {
    const out = injectParameters(notebook(), { suspect: "arn:aws:iam::1:user/o'brien\n", limit: '10', apply: 'true' });
    expect(out.cells.map((c) => c.metadata.tags?.[0] ?? c.cell_type)).toEqual(['markdown', 'parameters', 'injected-parameters', 'code']);
    const source = cellSource(out.cells[2]!);
    expect(source).toContain('suspect = "arn:aws:iam::1:user/o\'brien\\n";');
    expect(source).toContain('limit = 10;');
    expect(source).toContain('apply = true;');
    // The value really is the string given: evaluating the literal gives it back.
    const literal = /suspect = (.*);/.exec(source)![1]!;
    expect(JSON.parse(literal)).toBe("arn:aws:iam::1:user/o'brien\n");
  });

  it('replaces an earlier injected cell instead of stacking a second', () => {
    const once = injectParameters(notebook(), { suspect: 'a' });
    const twice = injectParameters(once, { suspect: 'b' });
    expect(twice.cells.filter((c) => c.metadata.tags?.includes('injected-parameters'))).toHaveLength(1);
    expect(cellSource(twice.cells[2]!)).toContain('suspect = "b";');
  });

  it('rejects an undeclared name and a value of the wrong kind, naming the parameter', () => {
    const unknown = optionError(() => injectParameters(notebook(), { suspekt: 'x' }));
    expect(unknown.option).toBe('suspekt');
    expect(unknown.message).toContain('suspect');
    expect(() => injectParameters(notebook(), { limit: '5; process.exit()' })).toThrow(OptionError);
    expect(() => injectParameters(notebook(), { apply: 'yes' })).toThrow(OptionError);
  });

  it('leaves the input notebook unchanged', () => {
    const nb = notebook();
    const before = JSON.stringify(nb);
    injectParameters(nb, { suspect: 'x' });
    expect(JSON.stringify(nb)).toBe(before);
  });
});

describe('parseParameterArgs', () => {
  it('splits at the first = only', () => {
    expect(parseParameterArgs(['suspect=arn:a=b', 'start=2024-03-19'])).toEqual({ suspect: 'arn:a=b', start: '2024-03-19' });
  });
  it('rejects a pair without a name', () => {
    expect(() => parseParameterArgs(['=x'])).toThrow(OptionError);
    expect(() => parseParameterArgs(['novalue'])).toThrow(OptionError);
  });
});
