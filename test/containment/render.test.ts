import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../lib/display/text-width';
import { makePlan } from '../../lib/containment/context';
import { planHtml, planText } from '../../lib/containment/render';
import { ACCOUNT, mockedAws, NOW } from './mocked-aws';

const hostile = 'web-1<script>alert(1)</script>\u202e';
const plan = makePlan(mockedAws().context, NOW, {
  kind: 'ec2-instance',
  name: 'i-0123456789abcdef0',
  title: `Isolate EC2 instance i-0123456789abcdef0 (${hostile})`,
  account: ACCOUNT,
  target: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`,
  steps: [
    {
      id: '1',
      kind: 'volume-snapshot',
      action: 'Snapshot volume as evidence',
      target: `volume vol-0123456789abcdef0 tagged ${'日本語'.repeat(30)}`,
      current: 'attached',
      change: 'create a snapshot',
      before: { volumeId: 'vol-0123456789abcdef0' },
      call: { service: 'ec2', command: 'CreateSnapshot', input: { VolumeId: 'vol-0123456789abcdef0' } },
    },
  ],
  tables: [{ title: 'Tags', columns: ['key', 'value'], rows: [['Name', hostile]] }],
});

describe('plan rendering', () => {
  it('escapes names from AWS in HTML and shows hidden characters', () => {
    const html = planHtml(plan);
    expect(html).not.toContain('<script>');
    expect(html).toContain('web-1&lt;script&gt;alert(1)&lt;/script&gt;\\u202e');
  });

  it('cuts long text cells with … by display width, keeping the columns aligned', () => {
    const lines = planText(plan).split('\n');
    const header = lines.find((l) => l.startsWith('#  step'));
    const row = lines.find((l) => l.startsWith('1  Snapshot'));
    expect(row).toContain('…');
    // "current state" starts at the same column in the header and the row.
    const column = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));
    expect(column(row ?? '', 'attached')).toBe(column(header ?? '', 'current state'));
  });
});
