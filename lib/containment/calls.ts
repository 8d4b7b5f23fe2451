/** Sending an {@link AwsCall} (a call kept as data) through the right SDK client. */

import { StepRefusedError } from './errors';
import type { ContainmentClients } from './clients';
import type { AwsCall, Json } from './types';

interface Sender {
  send(command: unknown): Promise<unknown>;
}

type CommandClass = new (input: unknown) => unknown;

/**
 * The only changes containment makes (plans and their undo). `send` refuses anything else, so
 * an audit log edited by someone else cannot make `undo` call, say, CreateAccessKey.
 */
export const CONTAINMENT_COMMANDS: Readonly<Record<AwsCall['service'], readonly string[]>> = {
  iam: ['UpdateAccessKey', 'AttachUserPolicy', 'DetachUserPolicy', 'PutUserPolicy', 'DeleteUserPolicy', 'DeleteLoginProfile', 'DeactivateMFADevice', 'PutRolePolicy', 'DeleteRolePolicy', 'UpdateAssumeRolePolicy'],
  ec2: [
    'ModifyInstanceAttribute',
    'CreateSecurityGroup',
    'RevokeSecurityGroupEgress',
    'AuthorizeSecurityGroupEgress',
    'AuthorizeSecurityGroupIngress',
    'RevokeSecurityGroupIngress',
    'DeleteSecurityGroup',
    'ModifyNetworkInterfaceAttribute',
    'DisassociateIamInstanceProfile',
    'AssociateIamInstanceProfile',
    'CreateSnapshot',
    'CreateNetworkAcl',
    'ReplaceNetworkAclAssociation',
    'DeleteNetworkAcl',
  ],
  s3: ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutPublicAccessBlock', 'DeletePublicAccessBlock'],
  autoscaling: ['SuspendProcesses', 'ResumeProcesses', 'DetachInstances', 'AttachInstances'],
  sso: ['PutInlinePolicyToPermissionSet', 'DeleteInlinePolicyFromPermissionSet', 'ProvisionPermissionSet'],
};

async function sdkModule(service: AwsCall['service']): Promise<Record<string, unknown>> {
  switch (service) {
    case 'iam':
      return (await import('@aws-sdk/client-iam')) as unknown as Record<string, unknown>;
    case 'ec2':
      return (await import('@aws-sdk/client-ec2')) as unknown as Record<string, unknown>;
    case 's3':
      return (await import('@aws-sdk/client-s3')) as unknown as Record<string, unknown>;
    case 'autoscaling':
      return (await import('@aws-sdk/client-auto-scaling')) as unknown as Record<string, unknown>;
    case 'sso':
      return (await import('@aws-sdk/client-sso-admin')) as unknown as Record<string, unknown>;
  }
}

/**
 * Send one call and return its response as JSON, without the SDK's `$metadata`.
 *
 * @example
 * await send(clients, { service: 'iam', command: 'UpdateAccessKey', input: { UserName: 'bob', AccessKeyId: 'AKIA…', Status: 'Inactive' } });
 */
export async function send(clients: ContainmentClients, call: AwsCall): Promise<Json> {
  if (!(CONTAINMENT_COMMANDS[call.service] ?? []).includes(call.command)) {
    throw new StepRefusedError('-', `${call.service}:${call.command}`, `${call.service} ${call.command} is not a call containment makes (allowed: ${(CONTAINMENT_COMMANDS[call.service] ?? []).join(', ')})`);
  }
  const mod = await sdkModule(call.service);
  const Command = mod[`${call.command}Command`];
  if (typeof Command !== 'function') throw new StepRefusedError('-', `${call.service}:${call.command}`, `the AWS SDK has no ${call.service} command '${call.command}'`);
  const client = clients[call.service] as unknown as Sender;
  const response = await client.send(new (Command as CommandClass)(structuredClone(call.input)));
  return toJson(response);
}

/** The response's own fields as JSON: Dates become ISO strings, SDK metadata is dropped. */
export function toJson(value: unknown): Json {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, field] of Object.entries(value)) {
      if (key === '$metadata' || field === undefined) continue;
      out[key] = toJson(field);
    }
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/**
 * A value in a request that an earlier step's response supplies. `field` may be a dotted path
 * into the response (`NetworkAcl.NetworkAclId`).
 */
export function stepOutput(step: string, field: string): Json {
  return { $output: step, field };
}

/**
 * Fill in `{ $output, field }` placeholders from the responses of steps already run.
 * Throws when a response lacks the field, so no call is sent with a placeholder in it.
 */
export function resolveOutputs(input: Json, outputs: ReadonlyMap<string, Json>): Json {
  if (Array.isArray(input)) return input.map((item: Json) => resolveOutputs(item, outputs));
  if (input === null || typeof input !== 'object') return input;
  const record = input as { readonly [key: string]: Json };
  if (typeof record.$output === 'string' && typeof record.field === 'string') {
    const value = fieldOf(outputs.get(record.$output), record.field);
    if (value === undefined || value === null) {
      throw new StepRefusedError(record.$output, record.field, `step ${record.$output} gave no ${record.field}, which a later call needs`);
    }
    return value;
  }
  const out: Record<string, Json> = {};
  for (const [key, field] of Object.entries(record)) out[key] = resolveOutputs(field, outputs);
  return out;
}

/** The value at a dotted path of a response, or undefined. */
export function fieldOf(response: Json | undefined, path: string): Json | undefined {
  let value: Json | undefined = response;
  for (const key of path.split('.')) {
    if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as { readonly [key: string]: Json })[key];
  }
  return value;
}

/** Fill placeholders in a call. */
export function resolveCall(call: AwsCall, outputs: ReadonlyMap<string, Json>): AwsCall {
  return { ...call, input: resolveOutputs(call.input, outputs) as { readonly [key: string]: Json } };
}

/** IAM's "no such user, role, policy or profile": the SDK's name, and the wire code. */
export const IAM_NOT_FOUND = ['NoSuchEntityException', 'NoSuchEntity'] as const;

/** Whether an SDK error has one of these names or codes (NoSuchEntity, NoSuchBucketPolicy, AccessDenied…). */
export function hasErrorName(error: unknown, ...names: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, Code } = error as { name?: string; Code?: string };
  return names.some((n) => n === name || n === Code);
}

/** Read something that may not exist: `undefined` when AWS answers with one of `names`. */
export async function readOptional<T>(read: () => Promise<T>, ...names: string[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (hasErrorName(error, ...names)) return undefined;
    throw error;
  }
}
