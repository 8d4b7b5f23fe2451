/**
 * Background calls around applications: Lambda, CloudFormation, RDS, CloudWatch, and what
 * the CI/CD user does on a deploy.
 */

import { act, apiAction, type Action, type Ctx } from './action';
import { api } from './api';
import { s3Bucket } from './s3-calls';
import { DATABASES, FUNCTIONS, STACKS } from './inventory';

const LAMBDA = 'lambda.amazonaws.com';
const CFN = 'cloudformation.amazonaws.com';
const ECR = 'ecr.amazonaws.com';
const RDS = 'rds.amazonaws.com';
const aFunction = (c: Ctx) => ({ functionName: c.rng.pick(FUNCTIONS) });
const aStack = (c: Ctx) => ({ stackName: c.rng.pick(STACKS) });

/** Lambda reads (event names carry the API version, as CloudTrail logs them). */
export const LAMBDA_READS: readonly Action[] = [
  apiAction(3, LAMBDA, 'ListFunctions20150331', true, () => null, { action: 'ListFunctions' }),
  apiAction(2, LAMBDA, 'GetFunction20150331v2', true, aFunction, { action: 'GetFunction' }),
  apiAction(1, LAMBDA, 'GetFunctionConfiguration20150331v2', true, aFunction, { action: 'GetFunctionConfiguration' }),
];

/** CloudFormation reads. */
export const CFN_READS: readonly Action[] = [
  apiAction(4, CFN, 'DescribeStacks', true, aStack),
  apiAction(1, CFN, 'ListStacks', true, () => ({ stackStatusFilter: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] })),
  apiAction(2, CFN, 'DescribeStackEvents', true, aStack),
];

/** What the CI/CD user does on a deploy: change sets, a Lambda code update, an image push. */
export const CI_DEPLOY: readonly Action[] = [
  ...CFN_READS,
  act(2, CFN, (c) => {
    const stack = c.rng.pick(STACKS);
    const name = `deploy-${c.rng.hex(7)}`;
    const request = {
      stackName: stack,
      changeSetName: name,
      changeSetType: 'UPDATE',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      templateURL: `https://s3.amazonaws.com/web-assets-prod/cfn/${stack}.yaml`,
    };
    const arn = `arn:aws:cloudformation:${c.region}:${c.account}`;
    const response = {
      id: `${arn}:changeSet/${name}/${c.rng.uuid()}`,
      stackId: `${arn}:stack/${stack}/${c.rng.uuid()}`,
    };
    return api(CFN, 'CreateChangeSet', c.region, false, request, response);
  }),
  apiAction(1, CFN, 'ExecuteChangeSet', false, (c) => ({ changeSetName: `deploy-${c.rng.hex(7)}`, ...aStack(c) })),
  apiAction(
    1,
    LAMBDA,
    'UpdateFunctionCode20150331v2',
    false,
    (c) => ({ ...aFunction(c), s3Bucket: 'web-assets-prod', s3Key: `lambda/${c.rng.hex(12)}.zip`, publish: true }),
    { action: 'UpdateFunctionCode' },
  ),
  apiAction(2, ECR, 'GetAuthorizationToken', true),
  apiAction(1, ECR, 'PutImage', false, (c) => ({
    repositoryName: 'web-app',
    imageTag: `sha-${c.rng.hex(7)}`,
    registryId: c.account,
  })),
  act(2, 's3.amazonaws.com', (c) =>
    s3Bucket('GetBucketLocation', 'us-east-1', c.account, 'web-assets-prod', { location: '' }),
  ),
];

/** RDS reads. */
export const RDS_READS: readonly Action[] = [
  apiAction(3, RDS, 'DescribeDBInstances', true),
  apiAction(1, RDS, 'DescribeDBClusters', true),
  apiAction(1, RDS, 'DescribeDBSnapshots', true, (c) => ({ dBInstanceIdentifier: c.rng.pick(DATABASES) })),
];

/** CloudWatch and CloudWatch Logs reads (dashboards, on-call). */
export const MONITORING_READS: readonly Action[] = [
  apiAction(3, 'monitoring.amazonaws.com', 'DescribeAlarms', true, () => ({ maxRecords: 100 })),
  apiAction(2, 'logs.amazonaws.com', 'DescribeLogGroups', true, () => ({ limit: 50 })),
  apiAction(2, 'logs.amazonaws.com', 'FilterLogEvents', true, (c) => ({
    logGroupName: `/aws/lambda/${c.rng.pick(FUNCTIONS)}`,
    startTime: c.t - 3_600_000,
    endTime: c.t,
    interleaved: true,
  })),
];
