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
  return problems;
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
  const documents: Array<[string, Json]> = [];
  for (const [name, role] of resourcesOfType(t, 'AWS::IAM::Role')) {
    for (const policy of role.Properties?.Policies ?? []) documents.push([`${name}/${policy.PolicyName}`, policy.PolicyDocument]);
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [name, policy] of resourcesOfType(t, type)) documents.push([name, policy.Properties?.PolicyDocument]);
  }
  return documents.flatMap(([where, doc]) =>
    asList(doc?.Statement).map((s: Json) => ({ ...s, where: `${where}/${s.Sid ?? '?'}`, Action: asList(s.Action), Resource: asList(s.Resource) })),
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
      const m = /^(IRBOOK_[A-Z_]+)='\$\{([A-Za-z0-9]+)\}'$/.exec(line);
      if (!m || !t.Parameters?.[m[2]]?.AllowedPattern) problems.push(`${hook}: prefix line ${JSON.stringify(line)} is not IRBOOK_X='\${ValidatedParameter}'`);
    }
  }
  const [nb] = resourcesOfType(t, 'AWS::SageMaker::NotebookInstance');
  const [config] = resourcesOfType(t, 'AWS::SageMaker::NotebookInstanceLifecycleConfig');
  if (!nb || !config || !mentions(nb[1].Properties?.LifecycleConfigName, config[0])) problems.push('the notebook instance does not use the lifecycle configuration');
  return problems;
}

/** Resource "*" is acceptable only for these actions (no resource-level permissions). */
export const UNSCOPABLE_ACTIONS: ReadonlySet<string> = new Set(['lakeformation:GetDataAccess', 'sts:GetCallerIdentity', 'sagemaker:ListNotebookInstances']);

export function allProblems(t: Template, files: { OnCreate: string; OnStart: string }): string[] {
  return [
    ...referenceProblems(t),
    ...policyProblems(t, UNSCOPABLE_ACTIONS),
    ...bucketProblems(t),
    ...encryptionProblems(t),
    ...presignedUrlProblems(t, 'AllowedCidr'),
    ...lifecycleProblems(t, files),
  ];
}
