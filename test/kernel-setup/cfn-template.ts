// Reads a CloudFormation YAML template (short-form tags included) and checks it: references,
// conditions, IAM least privilege, the results bucket, the presigned-URL network rule and the
// inlined lifecycle scripts. Each check returns a list of problems; empty means fine.
import { parse } from 'yaml';

// A template is untyped JSON; the checks test shapes at run time.
type Json = any;
export type Template = {
  Parameters?: Record<string, Json>;
  Rules?: Record<string, Json>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, { Type: string; Properties?: Json; Condition?: string; DependsOn?: string | string[] }>;
  Outputs?: Record<string, Json>;
};

const SHORT_FORMS = ['Ref', 'Condition', 'GetAtt', 'Sub', 'Join', 'If', 'Equals', 'Not', 'And', 'Or', 'Base64', 'Select', 'Split', 'FindInMap', 'ImportValue', 'GetAZs', 'Cidr', 'Contains', 'EachMemberEquals', 'EachMemberIn', 'RefAll', 'ValueOf', 'ValueOfAll', 'Length', 'ToJsonString'];

const customTags = SHORT_FORMS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value });
  return [
    { tag: `!${name}`, resolve: (value: string) => wrap(value) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (seq: { toJSON(): unknown }) => wrap(seq.toJSON()) },
    { tag: `!${name}`, collection: 'map' as const, resolve: (map: { toJSON(): unknown }) => wrap(map.toJSON()) },
  ];
});

export function loadTemplate(text: string): Template {
  return parse(text, { customTags: customTags as never, maxAliasCount: -1 }) as Template;
}

export const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

/** Calls visit(node, path) for every object and array in the tree. */
function walk(node: Json, visit: (node: Json, path: string) => void, path = ''): void {
  if (node === null || typeof node !== 'object') return;
  visit(node, path);
  if (Array.isArray(node)) node.forEach((child, i) => walk(child, visit, `${path}[${i}]`));
  else for (const [key, child] of Object.entries(node)) walk(child, visit, path ? `${path}.${key}` : key);
}

/** The ${…} names in a Fn::Sub string, without ${!literal} escapes. */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]).filter((name) => !name.startsWith('!'));
}

/** Every Ref, GetAtt, Sub variable, Condition and DependsOn names something that exists. */
export function referenceProblems(t: Template): string[] {
  const problems: string[] = [];
  const parameters = new Set(Object.keys(t.Parameters ?? {}));
  const resources = new Set(Object.keys(t.Resources ?? {}));
  const conditions = new Set(Object.keys(t.Conditions ?? {}));
  const referable = (name: string) => parameters.has(name) || resources.has(name) || PSEUDO_PARAMETERS.has(name);
  const used = new Set<string>();

  walk(t, (node, path) => {
    if (Array.isArray(node)) return;
    if (typeof node.Ref === 'string') {
      used.add(node.Ref);
      if (!referable(node.Ref)) problems.push(`${path}: Ref ${node.Ref} is not a parameter, resource or pseudo parameter`);
    }
    if ('Fn::GetAtt' in node) {
      const [resource] = node['Fn::GetAtt'] as string[];
      if (!resources.has(resource)) problems.push(`${path}: GetAtt of unknown resource ${resource}`);
    }
    if ('Fn::Sub' in node) {
      const sub = node['Fn::Sub'];
      const [text, vars] = typeof sub === 'string' ? [sub, {}] : [sub[0] as string, (sub[1] ?? {}) as Record<string, unknown>];
      for (const name of subVariables(text)) {
        const base = name.includes('.') && !name.startsWith('AWS::') ? name.split('.')[0] : name;
        used.add(base);
        const ok = name.includes('.') && !name.startsWith('AWS::') ? resources.has(base) : referable(name) || name in vars;
        if (!ok) problems.push(`${path}: \${${name}} in Fn::Sub names nothing`);
      }
    }
    if ('Fn::If' in node) {
      const [condition] = node['Fn::If'] as [string];
      if (!conditions.has(condition)) problems.push(`${path}: Fn::If on unknown condition ${condition}`);
    }
    if (typeof node.Condition === 'string' && !conditions.has(node.Condition)) problems.push(`${path}: unknown condition ${node.Condition}`);
  });
  for (const [name, resource] of Object.entries(t.Resources ?? {})) {
    for (const dep of [resource.DependsOn ?? []].flat()) if (!resources.has(dep)) problems.push(`Resources.${name}: DependsOn unknown ${dep}`);
  }
  for (const name of parameters) if (!used.has(name)) problems.push(`Parameters.${name} is never used`);
  problems.push(...conditionalReferenceProblems(t));
  return problems;
}

/** The logical ids a value refers to (Ref, GetAtt, ${X} or ${X.Attr} in Fn::Sub), each with the Fn::If conditions it sits in the true branch of. */
function referencesWithConditions(value: Json, found: Array<[string, string[]]> = [], active: string[] = []): Array<[string, string[]]> {
  if (value === null || typeof value !== 'object') return found;
  if (Array.isArray(value)) {
    for (const child of value) referencesWithConditions(child, found, active);
    return found;
  }
  if (Array.isArray(value['Fn::If'])) {
    const [condition, yes, no] = value['Fn::If'];
    referencesWithConditions(yes, found, [...active, condition]);
    referencesWithConditions(no, found, active);
    return found;
  }
  if (typeof value.Ref === 'string') found.push([value.Ref, active]);
  if (Array.isArray(value['Fn::GetAtt'])) found.push([value['Fn::GetAtt'][0], active]);
  const sub = value['Fn::Sub'];
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
  if (typeof text === 'string') for (const name of subVariables(text)) found.push([name.startsWith('AWS::') ? name : name.split('.')[0], active]);
  for (const child of Object.values(value)) referencesWithConditions(child, found, active);
  return found;
}

/**
 * A resource with a Condition does not exist when the condition is false, so whatever refers to
 * it must have the same Condition or refer to it only inside Fn::If on that condition.
 */
export function conditionalReferenceProblems(t: Template): string[] {
  const problems: string[] = [];
  const conditionOf = new Map(Object.entries(t.Resources ?? {}).flatMap(([name, r]) => (typeof r.Condition === 'string' ? [[name, r.Condition] as const] : [])));
  const referrers: Array<[string, Json]> = [
    ...Object.entries(t.Resources ?? {}).map(([name, r]) => [`Resources.${name}`, r] as [string, Json]),
    ...Object.entries(t.Outputs ?? {}).map(([name, o]) => [`Outputs.${name}`, o] as [string, Json]),
  ];
  for (const [where, referrer] of referrers) {
    const { Condition: own, DependsOn, ...rest } = referrer ?? {};
    const refs = referencesWithConditions(rest);
    for (const dep of [DependsOn ?? []].flat()) refs.push([dep, []]);
    for (const [name, active] of refs) {
      const needed = conditionOf.get(name);
      if (needed && needed !== own && !active.includes(needed)) problems.push(`${where}: refers to ${name}, which exists only under condition ${needed} (add Condition: ${needed} or an Fn::If)`);
    }
  }
  return [...new Set(problems)];
}

const resourcesOfType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** A value with every Fn::If replaced by its two branches (AWS::NoValue dropped), as a list. */
function branches(value: Json): Json[] {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'Fn::If' in value) {
    const [, yes, no] = value['Fn::If'];
    return [...branches(yes), ...branches(no)];
  }
  if (value && typeof value === 'object' && value.Ref === 'AWS::NoValue') return [];
  return [value];
}

const asList = (value: Json): Json[] => (value === undefined ? [] : Array.isArray(value) ? value.flatMap(branches) : branches(value));

export interface Statement {
  where: string;
  /** Logical id of the role (inline policy) or policy resource the statement is in. */
  owner: string;
  inline: boolean;
  Sid?: string;
  Effect: string;
  Action: Json[];
  Resource: Json[];
  Condition?: Json;
  NotAction?: Json;
  NotResource?: Json;
}

/** The statements of the identity policies: inline role policies and policy resources. */
export function identityStatements(t: Template): Statement[] {
  const documents: Array<[string, string, boolean, Json]> = [];
  for (const [name, role] of resourcesOfType(t, 'AWS::IAM::Role')) {
    for (const policy of role.Properties?.Policies ?? []) documents.push([`${name}/${policy.PolicyName}`, name, true, policy.PolicyDocument]);
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [name, policy] of resourcesOfType(t, type)) documents.push([name, name, false, policy.Properties?.PolicyDocument]);
  }
  return documents.flatMap(([where, owner, inline, doc]) =>
    asList(doc?.Statement).map((s: Json) => ({ ...s, where: `${where}/${s.Sid ?? '?'}`, owner, inline, Action: asList(s.Action), Resource: asList(s.Resource) })),
  );
}

/**
 * Least privilege: no wildcard in any action, no NotAction/NotResource, no managed policies
 * attached, and Resource "*" only on actions that cannot be scoped (`allowStar`).
 */
export function policyProblems(t: Template, allowStar: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [name, role] of resourcesOfType(t, 'AWS::IAM::Role')) {
    if (role.Properties?.ManagedPolicyArns) problems.push(`${name}: managed policies attached (${JSON.stringify(role.Properties.ManagedPolicyArns)})`);
  }
  for (const s of identityStatements(t)) {
    if (s.NotAction || s.NotResource) problems.push(`${s.where}: NotAction/NotResource`);
    for (const action of s.Action) if (typeof action !== 'string' || action.includes('*')) problems.push(`${s.where}: wildcard action ${JSON.stringify(action)}`);
    if (s.Resource.length === 0) problems.push(`${s.where}: no Resource`);
    if (s.Effect === 'Allow' && s.Resource.includes('*')) {
      for (const action of s.Action) if (!allowStar.has(action)) problems.push(`${s.where}: Resource "*" for ${action}, which can be scoped`);
    }
  }
  return problems;
}

/** References to `logicalId` (Ref, GetAtt or ${logicalId…} in a Sub). */
export function mentions(value: Json, logicalId: string): boolean {
  let found = false;
  walk({ v: value }, (node) => {
    if (Array.isArray(node)) return;
    if (node.Ref === logicalId) found = true;
    if (Array.isArray(node['Fn::GetAtt']) && node['Fn::GetAtt'][0] === logicalId) found = true;
    const sub = node['Fn::Sub'];
    const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
    if (typeof text === 'string' && subVariables(text).some((v) => v === logicalId || v.startsWith(`${logicalId}.`))) found = true;
  });
  return found;
}

/** Every bucket: SSE-KMS with a key of this template, all public access blocked, TLS-only policy, expiry. */
export function bucketProblems(t: Template): string[] {
  const problems: string[] = [];
  const keys = resourcesOfType(t, 'AWS::KMS::Key').map(([name]) => name);
  const policies = resourcesOfType(t, 'AWS::S3::BucketPolicy');
  for (const [name, bucket] of resourcesOfType(t, 'AWS::S3::Bucket')) {
    const p = bucket.Properties ?? {};
    const rules = p.BucketEncryption?.ServerSideEncryptionConfiguration ?? [];
    const kms = rules.some((r: Json) => r.ServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms' && keys.some((k) => mentions(r.ServerSideEncryptionByDefault.KMSMasterKeyID, k)));
    if (!kms) problems.push(`${name}: not encrypted with SSE-KMS under a key of this template`);
    const block = p.PublicAccessBlockConfiguration ?? {};
    for (const flag of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
      if (block[flag] !== true) problems.push(`${name}: PublicAccessBlockConfiguration.${flag} is not true`);
    }
    const expiry = (p.LifecycleConfiguration?.Rules ?? []).some((r: Json) => r.Status === 'Enabled' && r.ExpirationInDays !== undefined);
    if (!expiry) problems.push(`${name}: no enabled lifecycle rule expires objects`);
    const tlsOnly = policies.some(
      ([, policy]) =>
        mentions(policy.Properties?.Bucket, name) &&
        asList(policy.Properties?.PolicyDocument?.Statement).some((s: Json) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false'),
    );
    if (!tlsOnly) problems.push(`${name}: no bucket policy denying requests without TLS`);
  }
  for (const [name, policy] of policies) {
    for (const s of asList(policy.Properties?.PolicyDocument?.Statement)) {
      if (s.Effect === 'Allow' && JSON.stringify(s.Principal ?? '').includes('*')) problems.push(`${name}: allows a "*" principal`);
    }
  }
  return problems;
}

/** KMS keys rotate and have a key policy; the Athena workgroup enforces encrypted output in the bucket. */
export function encryptionProblems(t: Template): string[] {
  const problems: string[] = [];
  const keys = resourcesOfType(t, 'AWS::KMS::Key');
  for (const [name, key] of keys) {
    if (key.Properties?.EnableKeyRotation !== true) problems.push(`${name}: key rotation is off`);
    if (!key.Properties?.KeyPolicy?.Statement) problems.push(`${name}: no key policy`);
  }
  const buckets = resourcesOfType(t, 'AWS::S3::Bucket').map(([name]) => name);
  for (const [name, wg] of resourcesOfType(t, 'AWS::Athena::WorkGroup')) {
    const c = wg.Properties?.WorkGroupConfiguration ?? {};
    if (c.EnforceWorkGroupConfiguration !== true) problems.push(`${name}: workgroup settings are not enforced`);
    if (!buckets.some((b) => mentions(c.ResultConfiguration?.OutputLocation, b))) problems.push(`${name}: output location is not the results bucket`);
    const enc = c.ResultConfiguration?.EncryptionConfiguration ?? {};
    if (enc.EncryptionOption !== 'SSE_KMS' || !keys.some(([k]) => mentions(enc.KmsKey, k))) problems.push(`${name}: results not SSE_KMS with the template's key`);
  }
  for (const [name, nb] of resourcesOfType(t, 'AWS::SageMaker::NotebookInstance')) {
    if (!keys.some(([k]) => mentions(nb.Properties?.KmsKeyId, k))) problems.push(`${name}: volume not encrypted with the template's key`);
  }
  return problems;
}

const PRESIGN = 'sagemaker:CreatePresignedNotebookInstanceUrl';

/** The presigned URL is allowed only from the CIDR parameter, and denied from anywhere else. */
export function presignedUrlProblems(t: Template, cidrParameter: string): string[] {
  const problems: string[] = [];
  if (!t.Parameters?.[cidrParameter]?.AllowedPattern) problems.push(`parameter ${cidrParameter} is missing or unvalidated`);
  const statements = identityStatements(t).filter((s) => s.Action.includes(PRESIGN));
  const allows = statements.filter((s) => s.Effect === 'Allow');
  const onCidr = (s: Statement, operator: string) => JSON.stringify(s.Condition?.[operator]?.['aws:SourceIp']) === JSON.stringify({ Ref: cidrParameter });
  if (allows.length === 0) problems.push(`no statement allows ${PRESIGN}`);
  for (const s of allows) if (!onCidr(s, 'IpAddress')) problems.push(`${s.where}: allows ${PRESIGN} without IpAddress aws:SourceIp = Ref ${cidrParameter}`);
  if (!statements.some((s) => s.Effect === 'Deny' && onCidr(s, 'NotIpAddress'))) problems.push(`no Deny of ${PRESIGN} with NotIpAddress aws:SourceIp = Ref ${cidrParameter}`);
  return problems;
}

/** The parts of a lifecycle hook's Content: Fn::Base64 of Fn::Join '' [Fn::Sub prefix, script]. */
export function lifecycleParts(t: Template, hook: 'OnCreate' | 'OnStart'): { prefix: string; script: string } | null {
  const [config] = resourcesOfType(t, 'AWS::SageMaker::NotebookInstanceLifecycleConfig');
  const join = config?.[1].Properties?.[hook]?.[0]?.Content?.['Fn::Base64']?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1]) || join[1].length !== 2) return null;
  const [prefix, script] = join[1];
  if (typeof prefix?.['Fn::Sub'] !== 'string' || typeof script !== 'string') return null;
  return { prefix: prefix['Fn::Sub'], script };
}

/** The inlined scripts equal the files, and the prefix only assigns stack parameters to IRBOOK_* variables. */
export function lifecycleProblems(t: Template, files: { OnCreate: string; OnStart: string }): string[] {
  const problems: string[] = [];
  for (const hook of ['OnCreate', 'OnStart'] as const) {
    const parts = lifecycleParts(t, hook);
    if (!parts) {
      problems.push(`${hook}: Content is not Fn::Base64 of Fn::Join ['', [!Sub prefix, script]]`);
      continue;
    }
    if (parts.script !== files[hook]) problems.push(`${hook}: the inlined script differs from the .sh file (run node kernel-setup/sagemaker/sync.js)`);
    for (const line of parts.prefix.trimEnd().split('\n')) {
      if (line.startsWith('#')) continue;
      // A parameter held to a pattern, or the region (which cannot hold a quote).
      const m = /^(IRBOOK_[A-Z_]+)='\$\{([A-Za-z0-9:]+)\}'$/.exec(line);
      if (!m || (m[2] !== 'AWS::Region' && !t.Parameters?.[m[2]]?.AllowedPattern)) problems.push(`${hook}: prefix line ${JSON.stringify(line)} is not IRBOOK_X='\${ValidatedParameter}' or '\${AWS::Region}'`);
    }
  }
  const [nb] = resourcesOfType(t, 'AWS::SageMaker::NotebookInstance');
  const [config] = resourcesOfType(t, 'AWS::SageMaker::NotebookInstanceLifecycleConfig');
  if (!nb || !config || !mentions(nb[1].Properties?.LifecycleConfigName, config[0])) problems.push('the notebook instance does not use the lifecycle configuration');
  return problems;
}

/** Resource "*" is acceptable only for these actions (no resource-level permissions). */
export const UNSCOPABLE_ACTIONS: ReadonlySet<string> = new Set([
  'lakeformation:GetDataAccess',
  'sts:GetCallerIdentity',
  'sagemaker:ListNotebookInstances',
  // Containment (ContainmentPolicy): EC2 reads.
  'ec2:DescribeInstances',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeIamInstanceProfileAssociations',
  'ec2:DescribeVolumes',
  'ec2:DescribeInstanceAttribute',
  'ec2:DescribeVpcs',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeNetworkInterfaces',
  // Containment: which Auto Scaling group an instance is in.
  'autoscaling:DescribeAutoScalingInstances',
  'autoscaling:DescribeAutoScalingGroups',
  // Containment: the Identity Center instances.
  'sso:ListInstances',
]);

// ---------------------------------------------------------------------------------------------
// A small IAM evaluator for the template's identity policies: enough to ask "would this request
// be allowed?" of the statements as written. It resolves Ref, Fn::GetAtt and Fn::Sub from an
// environment of made-up values, matches actions (case-insensitive) and resources with * and ?,
// and evaluates the condition operators the template uses. A value it cannot resolve matches
// nothing; a condition operator it does not know makes an Allow not apply and a Deny apply
// (both err towards less access). Not modelled: NotAction/NotResource (policyProblems rejects
// them), policy variables, permission boundaries, SCPs and resource-based policies.

/** Values for Ref / GetAtt / Sub names: pseudo parameters, "Logical" and "Logical.Attr". */
export type Environment = Record<string, string>;

export const TEST_ACCOUNT = '111122223333';
export const TEST_REGION = 'us-east-1';

/** Made-up but well-formed values for every pseudo parameter and resource of the template. */
export function fakeEnvironment(t: Template): Environment {
  const env: Environment = { 'AWS::Partition': 'aws', 'AWS::AccountId': TEST_ACCOUNT, 'AWS::Region': TEST_REGION, 'AWS::StackName': 'irbook', 'AWS::URLSuffix': 'amazonaws.com' };
  for (const [name, r] of Object.entries(t.Resources ?? {})) {
    const physical = `irbook-${name.toLowerCase()}-1a2b3c`;
    env[name] = physical;
    if (r.Type === 'AWS::IAM::Role') env[`${name}.Arn`] = `arn:aws:iam::${TEST_ACCOUNT}:role/${physical}`;
    else if (r.Type === 'AWS::S3::Bucket') env[`${name}.Arn`] = `arn:aws:s3:::${physical}`;
    else if (r.Type === 'AWS::IAM::ManagedPolicy') env[name] = `arn:aws:iam::${TEST_ACCOUNT}:policy/${physical}`;
    else if (r.Type === 'AWS::KMS::Key') env[`${name}.Arn`] = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${physical}`;
  }
  return env;
}

/** A string with Ref, Fn::GetAtt and Fn::Sub resolved; undefined when env lacks a name or another function is used. */
export function resolveString(value: Json, env: Environment): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (typeof value.Ref === 'string') return env[value.Ref];
  if (Array.isArray(value['Fn::GetAtt'])) return env[value['Fn::GetAtt'].join('.')];
  if ('Fn::Sub' in value) {
    const sub = value['Fn::Sub'];
    const [text, vars] = typeof sub === 'string' ? [sub, {}] : [sub[0] as string, (sub[1] ?? {}) as Record<string, Json>];
    let resolved = true;
    const out = text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const v = name in vars ? resolveString(vars[name], env) : env[name];
      if (v === undefined) resolved = false;
      return v ?? '';
    });
    return resolved ? out : undefined;
  }
  return undefined;
}

/** IAM wildcard match: * any run of characters (including : and /), ? one character. */
export function iamGlob(pattern: string, value: string, ignoreCase = false): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** Request context keys (aws:ResourceAccount, iam:PassedToService, ec2:CreateAction…). */
export type RequestContext = Record<string, string | string[]>;

export interface Request {
  action: string;
  resource: string;
  context?: RequestContext;
}

/** true/false, or undefined when an operator is not supported. */
function conditionHolds(condition: Json, context: RequestContext, env: Environment): boolean | undefined {
  if (condition === undefined) return true;
  const lowered = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), [v].flat()]));
  for (const [operator, entries] of Object.entries(condition as Record<string, Record<string, Json>>)) {
    for (const [key, raw] of Object.entries(entries)) {
      const expected = [raw].flat().map((v) => (typeof v === 'boolean' ? String(v) : resolveString(v, env)));
      const actual = lowered.get(key.toLowerCase());
      const any = (test: (e: string, a: string) => boolean) => actual !== undefined && actual.some((a) => expected.some((e) => e !== undefined && test(e, a)));
      let holds: boolean;
      switch (operator) {
        case 'StringEquals':
        case 'Bool':
          holds = any((e, a) => e === a);
          break;
        case 'StringEqualsIgnoreCase':
          holds = any((e, a) => e.toLowerCase() === a.toLowerCase());
          break;
        case 'StringLike':
          holds = any((e, a) => iamGlob(e, a));
          break;
        case 'StringNotEquals':
          holds = !any((e, a) => e === a);
          break;
        case 'StringNotLike':
          holds = !any((e, a) => iamGlob(e, a));
          break;
        default:
          return undefined;
      }
      if (!holds) return false;
    }
  }
  return true;
}

export interface Decision {
  decision: 'Allow' | 'Deny' | 'ImplicitDeny';
  allowedBy: string[];
  deniedBy: string[];
}

/** Evaluates one request against identity statements: an applicable Deny wins, then an Allow, else implicit deny. */
export function evaluate(statements: Statement[], request: Request, env: Environment): Decision {
  const allowedBy: string[] = [];
  const deniedBy: string[] = [];
  for (const s of statements) {
    if (s.NotAction || s.NotResource) continue;
    const actionMatches = s.Action.some((a) => {
      const pattern = resolveString(a, env);
      return pattern !== undefined && iamGlob(pattern, request.action, true);
    });
    const resourceMatches = s.Resource.some((r) => {
      const pattern = resolveString(r, env);
      return pattern !== undefined && iamGlob(pattern, request.resource);
    });
    if (!actionMatches || !resourceMatches) continue;
    const holds = conditionHolds(s.Condition, request.context ?? {}, env);
    if (s.Effect === 'Deny' && holds !== false) deniedBy.push(s.where);
    if (s.Effect === 'Allow' && holds === true) allowedBy.push(s.where);
  }
  const decision = deniedBy.length > 0 ? 'Deny' : allowedBy.length > 0 ? 'Allow' : 'ImplicitDeny';
  return { decision, allowedBy, deniedBy };
}

/** Get, List, Describe and the like read; everything else (Put, Create, Update, Pass…) changes something. */
export function isWriteAction(action: string): boolean {
  return !/^[a-z0-9-]+:(Get|List|Describe|BatchGet|Head)/i.test(action);
}

/** Actions that change (or inspect, to change) IAM, EC2 or S3 bucket access: the containment kind. */
export function isContainmentAction(action: string): boolean {
  return /^(iam|ec2):/i.test(action) || /^s3:(Get|Put|Delete)Bucket(Policy|PublicAccessBlock|Acl)$/i.test(action);
}

/** What the notebook must never do to the role it runs as. */
export const SELF_PROTECTED_ROLE_ACTIONS = ['iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'];

/**
 * Containment permissions are optional and fenced: off by default behind a true/false parameter
 * and its condition; only in a policy resource carrying that condition (never inline in a role,
 * which cannot be conditional); that policy denies the self-protected actions on the ARN of every
 * role it is attached to; no write action anywhere on Resource "*"; iam:PassRole only with
 * iam:PassedToService and ec2:CreateTags only with ec2:CreateAction.
 */
export function containmentProblems(t: Template, parameter = 'EnableContainment', condition = 'ContainmentEnabled'): string[] {
  const problems: string[] = [];
  const p = t.Parameters?.[parameter];
  if (!p) problems.push(`parameter ${parameter} is missing`);
  else {
    if (p.Default !== 'false') problems.push(`parameter ${parameter} does not default to 'false'`);
    if (JSON.stringify([...(p.AllowedValues ?? [])].sort()) !== JSON.stringify(['false', 'true'])) problems.push(`parameter ${parameter} does not allow exactly 'false' and 'true'`);
  }
  const c = JSON.stringify(t.Conditions?.[condition]);
  const expected = [[{ Ref: parameter }, 'true'], ['true', { Ref: parameter }]].map((args) => JSON.stringify({ 'Fn::Equals': args }));
  if (!expected.includes(c)) problems.push(`condition ${condition} is not Fn::Equals [Ref ${parameter}, 'true']`);

  const env = fakeEnvironment(t);
  const all = identityStatements(t);
  for (const s of all) {
    if (s.Effect !== 'Allow') continue;
    for (const action of s.Action) {
      if (typeof action !== 'string') continue;
      if (isWriteAction(action) && s.Resource.includes('*')) problems.push(`${s.where}: write action ${action} on Resource "*"`);
      if (isContainmentAction(action) && s.inline) {
        problems.push(`${s.where}: containment action ${action} in an inline role policy (put it in a policy resource with Condition ${condition})`);
      }
      if (/^iam:PassRole$/i.test(action) && !Object.values(s.Condition ?? {}).some((entries: Json) => Object.keys(entries ?? {}).some((k) => k.toLowerCase() === 'iam:passedtoservice'))) {
        problems.push(`${s.where}: iam:PassRole without an iam:PassedToService condition`);
      }
      if (/^ec2:CreateTags$/i.test(action) && !Object.values(s.Condition ?? {}).some((entries: Json) => Object.keys(entries ?? {}).some((k) => k.toLowerCase() === 'ec2:createaction'))) {
        problems.push(`${s.where}: ec2:CreateTags without an ec2:CreateAction condition`);
      }
    }
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [name, policy] of resourcesOfType(t, type)) {
      const statements = all.filter((s) => s.owner === name);
      const containment = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action).filter((a) => typeof a === 'string' && isContainmentAction(a));
      if (containment.length === 0) continue;
      if (policy.Condition !== condition) problems.push(`${name}: grants containment actions (${containment[0]}…) without Condition ${condition}`);
      const roles = resourcesOfType(t, 'AWS::IAM::Role').filter(([role]) => asList(policy.Properties?.Roles).some((r: Json) => mentions(r, role)));
      if (roles.length === 0) problems.push(`${name}: attached to no role of this template`);
      for (const [role] of roles) {
        const arn = env[`${role}.Arn`];
        const loose = SELF_PROTECTED_ROLE_ACTIONS.filter((action) => evaluate(statements, { action, resource: arn }, env).decision !== 'Deny');
        if (loose.length > 0) problems.push(`${name}: no Deny of ${loose.join(', ')} on ${role}'s own ARN`);
      }
    }
  }
  return problems;
}

export function allProblems(t: Template, files: { OnCreate: string; OnStart: string }): string[] {
  return [
    ...referenceProblems(t),
    ...policyProblems(t, UNSCOPABLE_ACTIONS),
    ...bucketProblems(t),
    ...encryptionProblems(t),
    ...presignedUrlProblems(t, 'AllowedCidr'),
    ...containmentProblems(t),
    ...lifecycleProblems(t, files),
  ];
}
