import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanNotebook, notebookProblems, serializeNotebook } from '../../lib/jupyter/clean-notebook';
import { declaredParameters, type Notebook } from '../../lib/jupyter/parameters';

const dir = join(__dirname, '..', '..', 'notebooks');
const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb'));
/** Account ids AWS documentation and the sample use; any other 12-digit id may be a real account. */
const EXAMPLE_ACCOUNTS = new Set(['111122223333', '444455556666', '123456789012']);

describe('committed notebooks', () => {
  it('exist', () => {
    expect(notebooks).toContain('credential-compromise-analysis.ipynb');
    expect(notebooks).toContain('credential-compromise-containment.ipynb');
  });

  it('link analysis and containment both ways, in markdown a reader can click', () => {
    const markdown = (name: string) =>
      (JSON.parse(readFileSync(join(dir, name), 'utf8')) as Notebook).cells
        .filter((c) => c.cell_type === 'markdown')
        .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
        .join('\n');
    expect(markdown('credential-compromise-analysis.ipynb')).toContain('](credential-compromise-containment.ipynb)');
    expect(markdown('credential-compromise-containment.ipynb')).toContain('](credential-compromise-analysis.ipynb)');
  });

  for (const name of notebooks) {
    const text = readFileSync(join(dir, name), 'utf8');
    const notebook = JSON.parse(text) as Notebook;

    it(`${name} has no outputs, execution counts or session metadata`, () => {
      expect(notebookProblems(notebook)).toEqual([]);
    });

    it(`${name} is stored as Jupyter writes it, so a clean is a no-op`, () => {
      expect(serializeNotebook(cleanNotebook(notebook))).toBe(text);
    });

    it(`${name} holds no account ids or access keys from real accounts`, () => {
      const accounts = [...text.matchAll(/(?<!\d)\d{12}(?!\d)/g)].map((m) => m[0]).filter((id) => !EXAMPLE_ACCOUNTS.has(id));
      expect(accounts).toEqual([]);
      expect(text).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
      expect(text).not.toMatch(/aws_secret_access_key|[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/);
    });

    it(`${name} runs on the tslab kernel and declares the parameters automation injects`, () => {
      expect((notebook.metadata.kernelspec as { name: string }).name).toBe('tslab');
      const names = declaredParameters(notebook).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['engine', 'logs', 'start', 'end']));
    });
  }
});

describe('cleanNotebook', () => {
  it('strips what a run leaves behind and keeps tags and sources', () => {
    const dirty: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'tslab' }, widgets: {}, toc: {} },
      cells: [
        { cell_type: 'code', id: 'a', metadata: { tags: ['parameters'], collapsed: true, execution: {} }, source: 'let x = 1;\nx', outputs: [{ output_type: 'stream' }], execution_count: 3 },
        { cell_type: 'code', id: 'b', metadata: { tags: ['injected-parameters'] }, source: 'x = 2;', outputs: [], execution_count: 4 },
        { cell_type: 'markdown', id: 'c', metadata: { editable: false }, source: '# Hi' },
      ],
    };
    expect(notebookProblems(dirty).length).toBeGreaterThanOrEqual(5);
    const clean = cleanNotebook(dirty);
    expect(notebookProblems(clean)).toEqual([]);
    expect(clean.cells.map((c) => c.id)).toEqual(['a', 'c']);
    expect(clean.cells[0]).toMatchObject({ metadata: { tags: ['parameters'] }, outputs: [], execution_count: null, source: 'let x = 1;\nx' });
    expect(clean.metadata).toEqual({ kernelspec: { name: 'tslab' } });
    expect(JSON.parse(serializeNotebook(clean)).cells[0].source).toEqual(['let x = 1;\n', 'x']);
  });
});
