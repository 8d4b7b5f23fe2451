/**
 * The AWS calls lib/containment makes, read from its source, so tests can hold the allow-list
 * and the CloudFormation policy to the code; and which commands change something.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '..', '..', 'lib', 'containment');

function sources(filter: (file: string) => boolean): string[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.ts') && filter(file))
    .map((file) => readFileSync(join(DIR, file), 'utf8'));
}

/** Changes the plans write as data, and the undo calls step-kinds.ts derives: `service:Command` (calls.ts, the allow-list, aside). */
export function plannedCalls(): Set<string> {
  const calls = new Set<string>();
  for (const source of sources((file) => file !== 'calls.ts')) {
    for (const m of source.matchAll(/service: '([\w-]+)'(?: as const)?, command: '(\w+)'/g)) calls.add(`${m[1]}:${m[2]}`);
    for (const m of source.matchAll(/\b(iam|ec2|s3|autoscaling|ssoAdmin)(?:Call)?\('(\w+)'/g)) calls.add(`${m[1] === 'ssoAdmin' ? 'sso' : m[1]}:${m[2]}`);
  }
  return calls;
}

/** Reads (and the audit log's S3 copy) sent with the SDK's command classes or paginators: `service:Command`. */
export function sentCommands(): Set<string> {
  const calls = new Set<string>();
  for (const source of sources(() => true)) {
    for (const m of source.matchAll(/new (iam|ec2|s3|autoscaling|sso)\.(\w+)Command\(/g)) calls.add(`${m[1]}:${m[2]}`);
    for (const m of source.matchAll(/\b(iam|ec2|s3|autoscaling|sso)\.paginate(\w+)\(/g)) calls.add(`${m[1]}:${m[2]}`);
    if (/new PutObjectCommand\(/.test(source)) calls.add('s3:PutObject');
    if (/new GetObjectCommand\(/.test(source)) calls.add('s3:GetObject');
  }
  return calls;
}

/** Whether a command changes something (everything but Get, List, Describe and Head). */
export function isChangeCommand(command: string): boolean {
  return !/^(Get|List|Describe|Head)/.test(command);
}
