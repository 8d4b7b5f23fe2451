/**
 * Loaded into a tslab kernel with NODE_OPTIONS=--require, so a notebook's containment cells
 * talk to AWS SDK clients whose `send` is stubbed by aws-sdk-client-mock. The state AWS returns
 * comes from the JSON file in IRBOOK_TEST_AWS_STATE; every command sent is appended to the
 * JSON-lines file in IRBOOK_TEST_AWS_CALLS. Nothing is loaded when the variables are unset.
 *
 * State: { "<iam|ec2|s3|sts|autoscaling|sso>": { "<Command without 'Command'>": [ { "input"?: partial input,
 *   "resolves"?: output, "rejects"?: { "name", "message" } } ] } }. ISO strings in fields named
 *   *Date, *Time become Dates, as the SDK returns them.
 */
'use strict';

const statePath = process.env.IRBOOK_TEST_AWS_STATE;
const callsPath = process.env.IRBOOK_TEST_AWS_CALLS;
if (statePath && callsPath) install(statePath, callsPath);

function install(statePath, callsPath) {
  const fs = require('node:fs');
  const { mockClient } = require('aws-sdk-client-mock');
  const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
  const services = {
    iam: [require('@aws-sdk/client-iam'), 'IAMClient'],
    ec2: [require('@aws-sdk/client-ec2'), 'EC2Client'],
    s3: [require('@aws-sdk/client-s3'), 'S3Client'],
    sts: [require('@aws-sdk/client-sts'), 'STSClient'],
    autoscaling: [require('@aws-sdk/client-auto-scaling'), 'AutoScalingClient'],
    sso: [require('@aws-sdk/client-sso-admin'), 'SSOAdminClient'],
  };
  for (const [service, [mod, clientName]] of Object.entries(services)) {
    const Client = mod[clientName];
    const mock = mockClient(Client);
    for (const [command, cases] of Object.entries(state[service] ?? {})) {
      const Command = mod[`${command}Command`];
      if (typeof Command !== 'function') throw new Error(`mock-aws-preload: no ${service} command ${command}`);
      for (const behaviour of cases) {
        const on = behaviour.input ? mock.on(Command, behaviour.input) : mock.on(Command);
        if (behaviour.rejects) on.rejects(sdkError(mod, behaviour.rejects));
        else on.resolves(revive(behaviour.resolves ?? {}));
      }
    }
    const stubbed = Client.prototype.send;
    Client.prototype.send = function send(command, ...rest) {
      const line = { service, command: command.constructor.name.replace(/Command$/, ''), input: command.input };
      fs.appendFileSync(callsPath, `${JSON.stringify(line)}\n`);
      return stubbed.call(this, command, ...rest);
    };
  }
}

function sdkError(mod, { name, message }) {
  const ErrorClass = mod[name];
  if (typeof ErrorClass === 'function') return new ErrorClass({ message, $metadata: { httpStatusCode: 400 } });
  return Object.assign(new Error(message), { name });
}

function revive(value, key = '') {
  if (Array.isArray(value)) return value.map((item) => revive(item));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v, k)]));
  }
  if (typeof value === 'string' && /(Date|Time)$/.test(key) && /^\d{4}-\d\d-\d\dT/.test(value)) return new Date(value);
  return value;
}
