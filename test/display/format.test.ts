import { describe, expect, it } from 'vitest';
import { escapeHtml, revealInvisibles } from '../../lib/display/escape';
import { cellText, formatBytes, formatCount, formatDuration, formatUsd } from '../../lib/display/format';
import { displayWidth, truncateToWidth } from '../../lib/display/text-width';

describe('formatting', () => {
  it('formats counts, bytes, durations and dollars', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(5_872_025)).toBe('5.6 MiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3.0 TiB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
    expect(formatUsd(0.00614)).toBe('$0.0061');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(3.5)).toBe('$3.50');
  });

  it('gives cell text for each kind of value, null for NULL', () => {
    expect(cellText(null, 'string')).toBeNull();
    expect(cellText('', 'string')).toBe('');
    expect(cellText(9007199254740993n, 'bigint')).toBe('9007199254740993');
    expect(cellText(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), 'timestamp')).toBe('2024-01-02T03:04:05Z');
    expect(cellText(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 7)), 'timestamp')).toBe('2024-01-02T03:04:05.007Z');
    expect(cellText(new Date(Date.UTC(2024, 0, 2)), 'date')).toBe('2024-01-02');
    expect(cellText({ a: [1n, null] }, 'struct')).toBe('{"a":[1,null]}');
    expect(cellText(false, 'boolean')).toBe('false');
  });
});

describe('escaping', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('reveals control, zero-width and bidi characters', () => {
    expect(revealInvisibles('a\u0000b\u007fc\u009bd\u200be\u202ef\ufeff')).toBe('a\\x00b\\x7fc\\x9bd\\u200be\\u202ef\\ufeff');
    expect(revealInvisibles('a\r\n\tb')).toBe('a\\r\\n\\tb');
    expect(revealInvisibles('a\r\n\tb', true)).toBe('a\r\n\tb');
    expect(revealInvisibles('ünïcödé 日本 🚨')).toBe('ünïcödé 日本 🚨');
  });
});

describe('text width', () => {
  it('measures wide and combining characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('🚨')).toBe(2);
  });

  it('truncates without splitting surrogate pairs', () => {
    expect(truncateToWidth('short', 10)).toBe('short');
    expect(truncateToWidth('AssumeRoleWithWebIdentity', 10)).toBe('AssumeRol…');
    expect(truncateToWidth('🚨🚨🚨🚨', 5)).toBe('🚨🚨…');
    expect(truncateToWidth('日本語テキスト', 6)).toBe('日本…');
  });
});
