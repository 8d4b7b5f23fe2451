/** A strict XML check for the chart tests: a real parser for structure, plus XML 1.0's `Char` rule. */

import { validate } from 'fast-xml-parser';

// fast-xml-parser checks tags, attributes and references but lets any character through; XML
// 1.0 forbids C0 controls other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** What makes `xml` not a well-formed XML document; empty when it is one. */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const bad = NOT_XML_CHAR.exec(xml);
  if (bad) problems.push(`character U+${(bad[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} at offset ${bad.index}`);
  const parsed = validate(xml);
  if (parsed !== true) problems.push(`${parsed.err.code}: ${parsed.err.msg} (line ${parsed.err.line})`);
  return problems;
}
