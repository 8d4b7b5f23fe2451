/** EC2 state for the isolation tests: one running instance in one subnet, as AWS returns it. */

import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import type { MockedAws } from './mocked-aws';

export const INSTANCE = 'i-0abc1234def567890';
export const VPC = 'vpc-0aaa1111';
export const SUBNET = 'subnet-0bbb2222';
export const QUARANTINE = 'sg-0quarantine';
/** The fewest steps: protection already on, no profile, no volumes, an empty quarantine group to reuse. */
export const MINIMAL = { snapshots: false, cutTrackedConnections: false } as const;

/** A running instance with one interface in SUBNET, protected from termination, with no instance profile. */
export function mockInstance(aws: MockedAws, tags: { Key: string; Value: string }[] = []): void {
  const instance = {
    InstanceId: INSTANCE,
    State: { Name: 'running' as const },
    VpcId: VPC,
    SubnetId: SUBNET,
    Tags: tags,
    NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0primary', VpcId: VPC, SubnetId: SUBNET, Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: 'sg-0web', GroupName: 'web' }] }],
  };
  aws.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance] }] });
  aws.ec2.on(DescribeInstanceAttributeCommand).resolves({ DisableApiTermination: { Value: true } });
  aws.ec2.on(DescribeIamInstanceProfileAssociationsCommand).resolves({ IamInstanceProfileAssociations: [] });
  aws.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: QUARANTINE, GroupName: 'irbook-quarantine', VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] }] });
  aws.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: VPC }] });
}
