/**
 * The AWS state the Security Lake playbook's notebook test answers with (through
 * test/support/mock-aws-preload.cjs): story 2's IAM users, each with its own key and policies,
 * and the buckets it touched, with no bucket policy and no Block Public Access yet.
 */

export const ACCOUNT = '111122223333';

const notFound = (name: string) => ({ rejects: { name, message: 'not found' } });

/** One IAM user as AWS would describe it. */
export interface StateUser {
  readonly userName: string;
  readonly accessKeyIds: readonly string[];
  readonly policyArns: readonly string[];
}

/** What AWS answers for these users (each by its `UserName`) and any bucket. */
export function s3AccessAwsState(users: readonly StateUser[]): unknown {
  const perUser = <T>(answer: (user: StateUser) => T) => users.map((user) => ({ input: { UserName: user.userName }, resolves: answer(user) }));
  return {
    sts: { GetCallerIdentity: [{ resolves: { Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/IrbookNotebookRole/SageMaker`, UserId: 'AROAEXAMPLE:SageMaker' } }] },
    iam: {
      GetUser: perUser((u) => ({ User: { UserName: u.userName, UserId: `AIDA${u.userName.toUpperCase().replace(/[^A-Z]/g, '')}`, Arn: `arn:aws:iam::${ACCOUNT}:user/${u.userName}`, Path: '/', CreateDate: '2024-03-05T15:22:00Z' } })),
      ListAccessKeys: perUser((u) => ({ AccessKeyMetadata: u.accessKeyIds.map((id) => ({ UserName: u.userName, AccessKeyId: id, Status: 'Active', CreateDate: '2024-03-12T09:20:00Z' })) })),
      GetAccessKeyLastUsed: [{ resolves: { AccessKeyLastUsed: { LastUsedDate: '2024-03-12T10:40:00Z', ServiceName: 's3', Region: 'us-west-2' } } }],
      GetUserPolicy: [notFound('NoSuchEntityException')],
      GetLoginProfile: [notFound('NoSuchEntityException')],
      ListMFADevices: [{ resolves: { MFADevices: [] } }],
      ListAttachedUserPolicies: perUser((u) => ({ AttachedPolicies: u.policyArns.map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })) })),
      ListUserPolicies: [{ resolves: { PolicyNames: [] } }],
      ListGroupsForUser: [{ resolves: { Groups: [] } }],
    },
    s3: {
      GetBucketPolicy: [notFound('NoSuchBucketPolicy')],
      GetPublicAccessBlock: [notFound('NoSuchPublicAccessBlockConfiguration')],
    },
  };
}
