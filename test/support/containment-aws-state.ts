/**
 * The AWS state the containment notebook's tests answer with (through
 * test/support/mock-aws-preload.cjs): the sample story's user and key, the stolen role, and
 * the instance the attacker tried to terminate.
 */
import { INSTANCES } from '../../lib/sample/inventory';

export const ACCOUNT = '111122223333';
/** The instance the credential-compromise story's attacker tried to stop and terminate. */
export const TAMPERED = INSTANCES['us-east-1'][1] as string;

const encoded = (document: unknown) => encodeURIComponent(JSON.stringify(document));
const notFound = (name: string) => [{ rejects: { name, message: 'not found' } }];

/** What AWS answers: the story's user with its key, the stolen role, the tampered instance. */
export function awsState(userName: string, accessKey: string): unknown {
  return {
    sts: { GetCallerIdentity: [{ resolves: { Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/IrbookNotebookRole/SageMaker`, UserId: 'AROAEXAMPLE:SageMaker' } }] },
    iam: {
      GetUser: [{ resolves: { User: { UserName: userName, UserId: 'AIDAEXAMPLE', Arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`, Path: '/', CreateDate: '2023-01-10T00:00:00Z' } } }],
      ListAccessKeys: [
        {
          resolves: {
            AccessKeyMetadata: [
              { UserName: userName, AccessKeyId: accessKey, Status: 'Active', CreateDate: '2023-06-01T00:00:00Z' },
              { UserName: userName, AccessKeyId: 'AKIAUNSEENKEYEXAMPLE', Status: 'Active', CreateDate: '2023-07-01T00:00:00Z' },
            ],
          },
        },
      ],
      GetAccessKeyLastUsed: [{ resolves: { AccessKeyLastUsed: { LastUsedDate: '2024-03-19T08:31:00Z', ServiceName: 'sts', Region: 'us-west-2' } } }],
      GetUserPolicy: notFound('NoSuchEntityException'),
      GetLoginProfile: [{ resolves: { LoginProfile: { UserName: userName, CreateDate: '2024-03-19T06:55:00Z', PasswordResetRequired: false } } }],
      ListMFADevices: [{ resolves: { MFADevices: [] } }],
      ListAttachedUserPolicies: [{ resolves: { AttachedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] } }],
      ListUserPolicies: [{ resolves: { PolicyNames: [] } }],
      ListGroupsForUser: [{ resolves: { Groups: [] } }],
      GetRole: [
        {
          resolves: {
            Role: {
              RoleName: 'WebAppInstanceRole',
              RoleId: 'AROAEXAMPLEWEBAPP0001',
              Arn: `arn:aws:iam::${ACCOUNT}:role/WebAppInstanceRole`,
              Path: '/',
              CreateDate: '2023-01-01T00:00:00Z',
              AssumeRolePolicyDocument: encoded({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
            },
          },
        },
      ],
      GetRolePolicy: notFound('NoSuchEntityException'),
      ListAttachedRolePolicies: [{ resolves: { AttachedPolicies: [] } }],
      ListRolePolicies: [{ resolves: { PolicyNames: [] } }],
      GetInstanceProfile: [
        { resolves: { InstanceProfile: { InstanceProfileName: 'WebAppInstanceProfile', Roles: [{ RoleName: 'WebAppInstanceRole', Arn: `arn:aws:iam::${ACCOUNT}:role/WebAppInstanceRole` }] } } },
      ],
      UpdateAccessKey: [{ resolves: {} }],
    },
    ec2: {
      DescribeInstances: [
        {
          resolves: {
            Reservations: [
              {
                Instances: [
                  {
                    InstanceId: TAMPERED,
                    InstanceType: 't3.large',
                    State: { Name: 'running' },
                    VpcId: 'vpc-0prod',
                    SubnetId: 'subnet-0web',
                    PrivateIpAddress: '10.0.10.21',
                    LaunchTime: '2024-02-01T00:00:00Z',
                    IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/WebAppInstanceProfile` },
                    SecurityGroups: [{ GroupId: 'sg-0web', GroupName: 'web' }],
                    NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0web', VpcId: 'vpc-0prod', Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: 'sg-0web', GroupName: 'web' }] }],
                    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0root', DeleteOnTermination: true } }],
                    Tags: [{ Key: 'Name', Value: 'web-1' }],
                  },
                ],
              },
            ],
          },
        },
      ],
      DescribeInstanceAttribute: [{ resolves: { DisableApiTermination: { Value: false } } }],
      DescribeIamInstanceProfileAssociations: [
        { resolves: { IamInstanceProfileAssociations: [{ AssociationId: 'iip-assoc-0web', InstanceId: TAMPERED, State: 'associated', IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/WebAppInstanceProfile` } }] } },
      ],
      DescribeSecurityGroups: [{ resolves: { SecurityGroups: [] } }],
      DescribeVpcs: [{ resolves: { Vpcs: [{ VpcId: 'vpc-0prod' }] } }],
    },
  };
}
