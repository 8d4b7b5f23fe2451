/**
 * The playbooks' triage glue: its options, and how the suspect (credential compromise) or the
 * user (S3 access) is taken from what fired. The triage itself runs through the real kernel in
 * test/notebooks/*; here the choices are checked on small results built in the test.
 */
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import { readTriageOptions, suspectFrom, timeWindow, type ResultRows } from '../../lib/playbooks';
import { userFrom } from '../../lib/playbooks/unintended-s3-access';

const WINDOW = timeWindow('2024-03-01', '2024-04-01');
const USER = 'arn:aws:iam::111122223333:user/ci-deployer';
const BACKUP = 'arn:aws:iam::111122223333:user/ops/Service_Backup';
const ROLE = 'arn:aws:iam::111122223333:role/WebAppInstanceRole';

const principals = (...names: string[]): ResultRows => ({
  columnNames: ['entity', 'rules', 'hits'],
  rows: names.map((name, i) => [name, ['a rule'], 10 * (names.length - i)]),
});
const top = (...entities: string[]): ResultRows => ({ columnNames: ['entity', 'failures'], rows: entities.map((e) => [e, 1]) });
const error = (f: () => unknown): OptionError => {
  try {
    f();
  } catch (e) {
    return e as OptionError;
  }
  throw new Error('did not throw');
};

describe('readTriageOptions', () => {
  it('reads an empty rules setting as the own pack, and keeps the paths given', () => {
    expect(readTriageOptions('t', { rules: '', window: WINDOW }, []).rules).toBeUndefined();
    expect(readTriageOptions('t', { rules: [], window: WINDOW }, []).rules).toBeUndefined();
    expect(readTriageOptions('t', { window: WINDOW }, []).rules).toBeUndefined();
    expect(readTriageOptions('t', { rules: ' /r/a ', window: WINDOW }, []).rules).toEqual(['/r/a']);
    expect(readTriageOptions('t', { rules: ['/r/a', '/r/b.yml'], window: WINDOW }, []).rules).toEqual(['/r/a', '/r/b.yml']);
    expect(readTriageOptions('t', { window: { start: '2024-03-01', end: '2024-03-02' } }, []).window).toEqual(timeWindow('2024-03-01', '2024-03-02'));
  });

  it('names the option that is wrong', () => {
    const wrong = (options: unknown, extra: string[] = []) => error(() => readTriageOptions('t', options, extra));
    expect(wrong({ rules: '' })).toMatchObject({ option: 'window' });
    expect(wrong({ rules: 3, window: WINDOW })).toMatchObject({ option: 'rules' });
    expect(wrong({ rules: ['/r/a', ''], window: WINDOW })).toMatchObject({ option: 'rules' });
    expect(wrong({ rule: '/r/a', window: WINDOW })).toMatchObject({ option: 'rule' });
    expect(wrong({ region: 'us-west-2', window: WINDOW })).toMatchObject({ option: 'region' });
    expect(readTriageOptions('t', { region: 'us-west-2', window: WINDOW }, ['region']).rules).toBeUndefined();
    for (const options of [null, 'rules']) expect(wrong(options)).toBeInstanceOf(OptionError);
  });
});

describe('suspectFrom with the triage', () => {
  const quiet = { say: () => {} };

  it("takes the triage's top principal when no suspect is named, and says so", async () => {
    const said: string[] = [];
    expect(await suspectFrom(top(USER), '', { triage: principals(ROLE, USER), say: (l) => void said.push(l) })).toBe(ROLE);
    expect(said[0]).toContain(`Suspect: ${ROLE} (the top principal of the triage`);
  });

  it('falls back to the top entity of 2.2 when no rule fired', async () => {
    const said: string[] = [];
    expect(await suspectFrom(top(USER), '', { triage: principals(), say: (l) => void said.push(l) })).toBe(USER);
    expect(said[0]).toContain('(the most authorization failures in 2.2)');
    expect(await suspectFrom(top(), '', { triage: principals(), ...quiet })).toBeNull();
  });

  it('follows the suspect the analyst named over the triage', async () => {
    expect(await suspectFrom(top(USER, ROLE), ROLE, { triage: principals(USER), ...quiet })).toBe(ROLE);
  });

  it('reads the triage by principal as the result itself, saying where the suspect comes from', async () => {
    const said: string[] = [];
    const say = (l: string) => void said.push(l);
    expect(await suspectFrom(principals(ROLE, USER), '', { say })).toBe(ROLE);
    expect(said.find((l) => l.startsWith('Suspect: '))).toContain(`Suspect: ${ROLE} (the top principal of the triage`);
    expect(await suspectFrom(principals(), '', { say })).toBeNull();
    expect(said.find((l) => l.startsWith('No rule fired in this window'))).toBeDefined();
  });

  it('refuses a triage option that is not the triage by principal', async () => {
    await expect(suspectFrom(top(USER), '', { triage: top(ROLE), ...quiet })).rejects.toMatchObject({ option: 'triage' });
  });
});

describe('userFrom (unintended S3 access)', () => {
  it('keeps the user the analyst set', () => {
    expect(userFrom(principals(USER), ' Service_Backup ', { say: () => {} })).toBe('Service_Backup');
  });

  it('takes the first IAM user of the triage, passing over roles, and says so', () => {
    const said: string[] = [];
    expect(userFrom(principals(ROLE, BACKUP, USER), '', { say: (l) => void said.push(l) })).toBe('Service_Backup');
    expect(said[0]).toContain(`User: Service_Backup (the IAM user at the top of the triage, ${BACKUP}; above it, not IAM users: ${ROLE})`);
  });

  it('fails naming user when no IAM user fired, or the result is not the principals', () => {
    const none = error(() => userFrom(principals(ROLE), ''));
    expect(none).toBeInstanceOf(OptionError);
    expect(none).toMatchObject({ option: 'user' });
    expect(none.message).toContain(ROLE);
    expect(error(() => userFrom(principals(), undefined))).toMatchObject({ option: 'user' });
    expect(error(() => userFrom(top(USER), ''))).toMatchObject({ option: 'user' });
  });
});
