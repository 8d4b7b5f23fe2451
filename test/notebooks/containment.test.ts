/**
 * The containment notebook through the real tslab kernel. The kernel starts with
 * test/support/mock-aws-preload.cjs (NODE_OPTIONS=--require), so its AWS SDK clients are
 * stubbed by aws-sdk-client-mock and answer with the state below; every command the cells send
 * is written to a file this test reads. The CloudTrail queries run on the local engine over a
 * generated sample, so 3.1 and 3.5 find the story's key and instance.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNotebook } from '../../lib/jupyter/run-notebook';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { ACCOUNT, awsState, TAMPERED } from '../support/containment-aws-state';
import { isChangeCommand } from '../support/containment-calls';
import { ExecutedNotebook } from '../support/notebook-outputs';

const NOTEBOOK = join(__dirname, '..', '..', 'notebooks', 'credential-compromise-containment.ipynb');
const PRELOAD = join(__dirname, '..', 'support', 'mock-aws-preload.cjs');
const saved = { ...process.env };
let dir: string;
let manifest: SampleManifest;
let key: string;

interface Sent {
  service: string;
  command: string;
  input: Record<string, unknown>;
}

function sentCalls(file: string): Sent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Sent);
}
const isChange = (c: Sent) => isChangeCommand(c.command);

interface Reshape {
  /** Cells left out of the copy. */
  readonly drop?: readonly string[];
  /** Cells moved to the end of the copy, in this order. */
  readonly last?: readonly string[];
}

/** Run the notebook (or a copy with `edit` applied to some cells, or reshaped) with the mocked AWS. */
async function run(name: string, edits: Record<string, (source: string) => string> = {}, reshape: Reshape = {}) {
  let notebook = NOTEBOOK;
  if (Object.keys(edits).length > 0 || reshape.drop || reshape.last) {
    const json = JSON.parse(readFileSync(NOTEBOOK, 'utf8')) as { cells: { id: string; source: string | string[] }[] };
    for (const cell of json.cells) {
      const edit = edits[cell.id];
      if (edit) cell.source = edit(Array.isArray(cell.source) ? cell.source.join('') : cell.source);
    }
    const moved = (reshape.last ?? []).map((id) => json.cells.find((cell) => cell.id === id));
    json.cells = [...json.cells.filter((cell) => !reshape.drop?.includes(cell.id) && !reshape.last?.includes(cell.id)), ...moved.filter((cell): cell is (typeof json.cells)[number] => cell !== undefined)];
    notebook = join(dir, `${name}.ipynb`);
    writeFileSync(notebook, JSON.stringify(json));
  }
  const calls = join(dir, `${name}-calls.jsonl`);
  const auditLog = join(dir, `${name}-audit.jsonl`);
  process.env.IRBOOK_TEST_AWS_CALLS = calls;
  const result = await runNotebook({
    notebook,
    parameters: { logs: join(dir, 'logs'), auditLog },
    outDir: join(dir, 'reports'),
    stamp: name,
  });
  return { run: new ExecutedNotebook(result.notebookFile), calls: sentCalls(calls), auditLog };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-nb-contain-'));
  manifest = await generateSample({ out: join(dir, 'logs'), events: 20_000, seed: 13, lake: false });
  const story = manifest.stories.credentialCompromise;
  key = story.accessKeyIds[0] as string;
  // Edited copies live in `dir`; this link lets their cells import irbook as the real folder's do.
  symlinkSync(join(__dirname, '..', '..', 'node_modules'), join(dir, 'node_modules'));
  const state = join(dir, 'aws-state.json');
  writeFileSync(state, JSON.stringify(awsState(story.userName, key)));
  Object.assign(process.env, {
    NODE_OPTIONS: `${saved.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(),
    IRBOOK_TEST_AWS_STATE: state,
    AWS_REGION: 'us-east-1',
    // The audit log's chain head goes to the state folder: keep it in the test's folder.
    XDG_STATE_HOME: join(dir, 'state'),
  });
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

describe('containment notebook', () => {
  it('shows plans built from the AWS state, and changes nothing by default', async () => {
    const { run: nb, calls, auditLog } = await run('plans');
    expect(nb.errors()).toEqual([]);
    expect(nb.shown('identity')).toContain(`containment: account ${ACCOUNT} as arn:aws:sts::${ACCOUNT}:assumed-role/IrbookNotebookRole/SageMaker`);
    // 3.1: CloudTrail names the story's key, and 3.2 plans deactivating it and only it.
    expect(nb.shown('keys-run')).toContain(key);
    const keys = nb.shown('deactivate');
    expect(keys).toContain('PLAN: Contain IAM user ci-deployer');
    expect(keys).toContain(`${key} of user ci-deployer`);
    expect(keys).toContain('Left active (not seen in the investigation): AKIAUNSEENKEYEXAMPLE');
    expect(keys).toContain(`Nothing has been changed. 1 step(s) would change AWS. To act, set apply = true and account = &#39;${ACCOUNT}&#39;`);
    expect(keys).toContain('BROAD: AdministratorAccess');
    expect(nb.shown('deny')).toContain('AWSDenyAll');
    expect(nb.shown('deny')).toContain('Delete console password');
    expect(nb.shown('role')).toContain('role WebAppInstanceRole: AWSRevokeOlderSessions');
    // 3.5: the instance the attacker tried to terminate, isolated and preserved.
    expect(nb.shown('instances-run')).toContain(`instance to isolate: ${TAMPERED}`);
    const isolate = nb.shown('isolate');
    for (const text of [TAMPERED, 'sg-0web', 'vol-0root', 'WebAppInstanceProfile', 'Turn on termination protection', 'Move network interface to quarantine group', 'Detach instance profile', 'Snapshot volume as evidence']) expect(isolate).toContain(text);
    expect(nb.shown('history')).toContain('no entries yet');
    // The instance's Auto Scaling group is read (it is in none); the network ACL option is off.
    expect(calls.filter((c) => c.service === 'autoscaling').map((c) => c.command)).toEqual(['DescribeAutoScalingInstances']);
    expect(calls.some((c) => c.command === 'DescribeNetworkAcls')).toBe(false);

    expect(calls.filter((c) => c.service === 'iam' && c.command === 'ListAccessKeys')).toHaveLength(2);
    expect(calls.filter(isChange)).toEqual([]);
    expect(existsSync(auditLog)).toBe(false);
  }, 300_000);

  it('applies 3.2 only with apply = true and the account in the cell, and undoes it', async () => {
    const { run: nb, calls, auditLog } = await run('apply', {
      deactivate: (s) => s.replace('let apply = false;', 'let apply = true;').replace("let account = '';", `let account = '${ACCOUNT}';`),
      undo: (s) => s.replace('let undo = false;', 'let undo = true;').replace("let account = '';", `let account = '${ACCOUNT}';`),
    });
    expect(nb.errors()).toEqual([]);
    expect(nb.shown('deactivate')).toContain('APPLY: applied plan iam-user/ci-deployer/');
    expect(nb.shown('undo')).toMatch(/UNDO: undid 1 step\(s\) of iam-user\/ci-deployer\//);
    expect(calls.filter(isChange)).toEqual([
      { service: 'iam', command: 'UpdateAccessKey', input: { UserName: 'ci-deployer', AccessKeyId: key, Status: 'Inactive' } },
      { service: 'iam', command: 'UpdateAccessKey', input: { UserName: 'ci-deployer', AccessKeyId: key, Status: 'Active' } },
    ]);
    const entries = readFileSync(auditLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { operation: string; outcome: string; before: unknown });
    expect(entries.map((e) => `${e.operation} ${e.outcome}`)).toEqual(['apply applied', 'undo undone']);
    expect(entries[0]?.before).toMatchObject({ accessKeyId: key, status: 'Active' });
    expect(nb.shown('history')).toContain('UNDONE');
  }, 300_000);

  it('refuses to apply when the account typed is not the plan’s: the cell fails, the plan is shown, nothing changes', async () => {
    await expect(
      run('wrong-account', {
        deactivate: (s) => s.replace('let apply = false;', 'let apply = true;').replace("let account = '';", "let account = '444455556666';"),
      }),
    ).rejects.toThrow(/cell \d+ in "3\.2 Deactivate the access keys" \(let apply = true;\) failed: GuardRefusedError: refused: confirm '444455556666' is not the account of plan iam-user\/ci-deployer\/.* \(111122223333\); nothing changed/);
    const nb = new ExecutedNotebook(join(dir, 'reports', 'wrong-account-wrong-account.ipynb'));
    expect(nb.shown('deactivate')).toContain('PLAN: Contain IAM user ci-deployer');
    expect(sentCalls(join(dir, 'wrong-account-calls.jsonl')).filter(isChange)).toEqual([]);
  }, 300_000);

  it('without AWS credentials: the library and the queries work, the identity cell fails with one short message', async () => {
    const kept = { ...process.env };
    // No stubbed SDK and no credential source: the SDK's real default chain finds nothing.
    for (const name of ['IRBOOK_TEST_AWS_STATE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) delete process.env[name];
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      // The cells that need the identity are left out, and the identity cell runs last: the
      // queries must not depend on it, and it must fail on its own. (A kernel that just failed a
      // cell cancels what arrives in the next 200 ms, so nothing may follow it.)
      await expect(
        run('no-credentials', {}, { drop: ['deactivate', 'deny', 'role', 'isolate', 'undo', 'history'], last: ['identity'] }),
      ).rejects.toThrow(/cell \d+ in "[^"]*" \(const ir = await openContainment.*\) failed/);
      const nb = new ExecutedNotebook(join(dir, 'reports', 'no-credentials-no-credentials.ipynb'));
      // Setup part 1 and the query cells ran.
      expect(nb.shown('load')).toContain('local');
      expect(nb.shown('keys-run')).toContain(key);
      expect(nb.shown('instances-run')).toContain(`instance to isolate: ${TAMPERED}`);
      expect([...new Set(nb.errors().map((e) => e.id))]).toEqual(['identity']);
      const message = nb.errors().map((e) => [e.output.text, e.output.evalue].flat().join('')).join('\n');
      expect(message).toContain('CredentialsError: no working AWS credentials (region us-east-1)');
      for (const fix of ['AWS_PROFILE', 'aws sso login --profile', 'instance role']) expect(message).toContain(fix);
      expect(message).not.toMatch(/^\s+at /m);
      expect(message).not.toContain('node_modules');
      expect(message.trim().split('\n').length).toBeLessThanOrEqual(8);
    } finally {
      process.env = kept;
    }
  }, 300_000);
});
