/**
 * The header of a headless run's HTML report: what was run, by whom, when, on which data,
 * about whom, and what the playbook found, so the report stands alone in a ticket.
 */

import { escapeHtml } from '../display/escape';
import { formatCount } from '../display/format';
import { CREDENTIAL_COMPROMISE_QUERIES, type CredentialCompromiseQueryName } from '../playbooks/credential-compromise';
import { contextFacts } from '../result/context';
import type { ReportFact } from './report-facts';

/** Everything the header says. */
export interface ReportHeaderInput {
  readonly title: string;
  readonly analyst?: string;
  /** The notebook's file name. */
  readonly notebook: string;
  /** The parameters as the run used them, `name = value` text. */
  readonly parameters: readonly { readonly name: string; readonly value: string }[];
  readonly facts: readonly ReportFact[];
  readonly irbookVersion: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** Set when a cell failed: which, and why. */
  readonly failure?: string;
  /** Cells that differ from git's version of the notebook: the run ran those edits. */
  readonly changedCells?: readonly string[];
}

type ResultFact = Extract<ReportFact, { kind: 'result' }>;

/**
 * The catalog query a recorded result ran, recognised by its exact text and parameters (a
 * cell the analyst edited is not recognised, and its result is not summarised).
 */
export function catalogNameOf(fact: ResultFact): CredentialCompromiseQueryName | undefined {
  const window = fact.context.window;
  if (window === undefined) return undefined;
  const entity = fact.context.entities?.[0] ?? 'arn:aws:iam::000000000000:user/none';
  for (const [name, query] of Object.entries(CREDENTIAL_COMPROMISE_QUERIES)) {
    try {
      const built = query.build({ window, entity }).compile();
      if (built.text === fact.text && JSON.stringify(built.params) === JSON.stringify(fact.params)) return name as CredentialCompromiseQueryName;
    } catch {
      // A context this query cannot be built from: not this one.
    }
  }
  return undefined;
}

/** A finding: a label and plain text. */
export interface Finding {
  readonly label: string;
  readonly text: string;
}

const joinList = (items: readonly string[], none: string) => (items.length === 0 ? none : items.join('; '));

/**
 * The playbook's findings from the recorded facts: suspect, top entity, access keys, external
 * addresses, IAM changes that went through (escalation, persistence) and those refused.
 *
 * @example
 * findings(readFacts(file)); // [{ label: 'Suspect', text: 'arn:…' }, …]
 */
export function findings(facts: readonly ReportFact[]): Finding[] {
  const out: Finding[] = [];
  const suspect = facts.filter((f) => f.kind === 'suspect').at(-1);
  if (suspect) out.push({ label: 'Suspect', text: suspect.reason.replace(/^Suspect: /, '') || (suspect.suspect ?? 'none') });
  const last = new Map<CredentialCompromiseQueryName, ResultFact>();
  for (const fact of facts) {
    if (fact.kind !== 'result') continue;
    const name = catalogNameOf(fact);
    if (name) last.set(name, fact);
  }
  const records = (name: CredentialCompromiseQueryName) => last.get(name)?.records;
  const top = records('topFailingEntities');
  if (top) {
    out.push({
      label: 'Most authorization failures',
      text: joinList(top.slice(0, 3).map((r) => `${String(r.entity)} (${formatCount(Number(r.failures))} failures from ${formatCount(Number(r.sourceips))} addresses)`), 'none: nothing failed in this window'),
    });
  }
  const keys = records('accessKeysUsed');
  if (keys) {
    out.push({
      label: 'Access keys used',
      text: joinList(keys.map((r) => `${String(r.accesskeyid)} (${String(r.keytype)}, ${formatCount(Number(r.events))} calls, from ${String(r.sourceips ?? '?')})`), 'none'),
    });
  }
  const ips = records('sourceIpsAndAgents');
  if (ips) {
    const external = ips.filter((r) => r.network === 'external');
    out.push({
      label: 'External addresses',
      text: joinList(external.map((r) => `${String(r.sourceipaddress)} (${formatCount(Number(r.events))} calls, ${String(r.useragent)})`), 'none'),
    });
  }
  const iam = records('iamChanges');
  if (iam) {
    const change = (r: Record<string, unknown>) => `${String(r.eventname)} ${String(r.target ?? '')}${r.newaccesskeyid ? ` (new key ${String(r.newaccesskeyid)})` : ''}`.trim();
    out.push({ label: 'IAM changes made', text: joinList(iam.filter((r) => r.errorcode === null).map(change), 'none') });
    const refused = iam.filter((r) => r.errorcode !== null);
    if (refused.length > 0) out.push({ label: 'IAM changes refused', text: joinList(refused.map((r) => `${change(r)}: ${String(r.errorcode)}`), 'none') });
  }
  return out;
}

const row = (label: string, value: string) =>
  `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top;white-space:nowrap">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`;

/**
 * The header as HTML, every value escaped.
 *
 * @example
 * const html = reportHeader({ title: 'IR-2024-0319', notebook: 'credential-compromise-analysis.ipynb', … });
 */
export function reportHeader(input: ReportHeaderInput): string {
  const window = input.facts.find((f): f is ResultFact => f.kind === 'result' && f.context.window !== undefined)?.context.window;
  const source = input.facts.filter((f) => f.kind === 'source').at(-1);
  const rows = [
    row('Notebook', input.notebook),
    ...(input.analyst ? [row('Analyst', input.analyst)] : []),
    row('Run', `${input.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} to ${input.finishedAt.toISOString().replace(/\.\d+Z$/, 'Z')} (UTC)`),
    row('Window', window ? contextFacts({ window })[0]!.replace(/^window /, '') : 'not recorded'),
    row('Data source', source ? source.description : 'not recorded'),
    row('Parameters', input.parameters.map((p) => `${p.name} = ${p.value}`).join(', ') || 'none'),
    row('irbook', input.irbookVersion),
  ];
  const found = findings(input.facts).map((f) => row(f.label, f.text));
  const failure = input.failure
    ? `<p role="alert" style="border-left:4px solid #b91c1c;padding:6px 10px;background:rgba(185,28,28,.08)"><strong>The run stopped:</strong> ${escapeHtml(input.failure)}</p>`
    : '';
  const changed = input.changedCells?.length
    ? `<p role="alert" style="border-left:4px solid #d97706;padding:6px 10px;background:rgba(217,119,6,.1)"><strong>The notebook differs from git's version</strong> in ${input.changedCells.length} cell(s): ${escapeHtml(input.changedCells.join('; '))}</p>`
    : '';
  return [
    '<header class="irbook-report-header" style="font-family:sans-serif;font-size:14px;max-width:1100px;margin:16px auto;padding:0 16px">',
    `<h1 style="margin:0 0 8px 0">${escapeHtml(input.title)}</h1>`,
    failure,
    changed,
    `<table style="border-collapse:collapse;margin-bottom:8px">${rows.join('')}</table>`,
    found.length > 0 ? `<h2 style="font-size:16px;margin:12px 0 4px 0">Findings</h2><table style="border-collapse:collapse">${found.join('')}</table>` : '',
    '</header>',
  ].join('');
}

/**
 * The report HTML with the title in `<title>` and the header at the top of the body.
 *
 * @example
 * await writeFile(htmlFile, withReportHeader(await readFile(htmlFile, 'utf8'), title, header));
 */
export function withReportHeader(html: string, title: string, header: string): string {
  const titled = /<title>[\s\S]*?<\/title>/.test(html)
    ? html.replace(/<title>[\s\S]*?<\/title>/, () => `<title>${escapeHtml(title)}</title>`)
    : html.replace(/<head[^>]*>/, (head) => `${head}<title>${escapeHtml(title)}</title>`);
  return titled.replace(/<body[^>]*>/, (body) => `${body}${header}`);
}
