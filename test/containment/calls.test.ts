import { describe, expect, it } from 'vitest';
import { CONTAINMENT_COMMANDS, resolveOutputs, send, stepOutput } from '../../lib/containment/calls';
import { plannedCalls } from '../support/containment-calls';
import { mockedAws } from './mocked-aws';

describe('send', () => {
  it('refuses a call containment never makes, as an edited audit log could ask undo to', async () => {
    const aws = mockedAws();
    await expect(send(aws.context.clients, { service: 'iam', command: 'CreateAccessKey', input: { UserName: 'attacker' } })).rejects.toMatchObject({
      name: 'StepRefusedError',
      target: 'iam:CreateAccessKey',
      reason: expect.stringContaining('iam CreateAccessKey is not a call containment makes'),
    });
    expect(aws.sent()).toEqual([]);
  });

  it('allows every change and undo the plans write (read from lib/containment)', () => {
    const written = plannedCalls();
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
