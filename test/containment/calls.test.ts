import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTAINMENT_COMMANDS, resolveOutputs, send, stepOutput } from '../../lib/containment/calls';
import { mockedAws } from './mocked-aws';

describe('send', () => {
  it('refuses a call containment never makes, as an edited audit log could ask undo to', async () => {
    const aws = mockedAws();
    await expect(send(aws.context.clients, { service: 'iam', command: 'CreateAccessKey', input: { UserName: 'attacker' } })).rejects.toThrow(
      /refused: iam CreateAccessKey is not a call containment makes/,
    );
    expect(aws.sent()).toEqual([]);
  });

  it('allows every change and undo the plans write (read from lib/containment)', () => {
    const dir = join(__dirname, '..', '..', 'lib', 'containment');
    const written = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.startsWith('plan-'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const m of source.matchAll(/service: '(iam|ec2|s3)'(?: as const)?, command: '(\w+)'/g)) written.add(`${m[1]}:${m[2]}`);
      for (const m of source.matchAll(/(ec2|s3)Call\('(\w+)'/g)) written.add(`${m[1]}:${m[2]}`);
    }
    const allowed = new Set(Object.entries(CONTAINMENT_COMMANDS).flatMap(([service, commands]) => commands.map((c) => `${service}:${c}`)));
    expect(written.size).toBeGreaterThan(15);
    expect([...written].filter((call) => !allowed.has(call))).toEqual([]);
    expect([...allowed].filter((call) => !written.has(call))).toEqual([]);
  });
});

describe('resolveOutputs', () => {
  it('fills placeholders from earlier responses, and refuses to send one it cannot fill', () => {
    const outputs = new Map([['2', { GroupId: 'sg-1' }]]);
    expect(resolveOutputs({ Groups: [stepOutput('2', 'GroupId')], Other: 'x' }, outputs)).toEqual({ Groups: ['sg-1'], Other: 'x' });
    expect(() => resolveOutputs({ GroupId: stepOutput('3', 'GroupId') }, outputs)).toThrow('step 3 gave no GroupId, which a later call needs');
  });
});
