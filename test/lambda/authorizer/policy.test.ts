import { allowResult, denyResult, stageResource } from '../../../lambda/authorizer/policy';

describe('stageResource', () => {
  test.each<[string, string | undefined, string | undefined]>([
    [
      'covers every route of the stage',
      'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/POST/v1/chat/completions',
      'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/*',
    ],
    [
      'keeps the partition',
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/GET/v1/models',
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/*',
    ],
    [
      'handles the root resource',
      'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/',
      'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*',
    ],
    ['rejects a non execute-api ARN', 'arn:aws:lambda:us-east-1:123456789012:function:x', undefined],
    ['rejects a wildcard injected into the API id', 'arn:aws:execute-api:us-east-1:123456789012:*/dev/GET/', undefined],
    ['rejects a missing ARN', undefined, undefined],
  ])('%s', (_name, arn, expected) => {
    expect(stageResource(arn)).toBe(expected);
  });
});

describe('results', () => {
  test('an allow carries the client id as principal, the end user, and the key only in the context, bare and as `Bearer <key>`', () => {
    expect(allowResult('arn:r', { clientId: 'c1', endUser: 'person-1', virtualKey: 'sk-abcdefgh' })).toEqual({
      principalId: 'c1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:r' }] },
      context: { clientId: 'c1', endUser: 'person-1', virtualKey: 'sk-abcdefgh', virtualKeyBearer: 'Bearer sk-abcdefgh' },
    });
  });

  test('a passthrough allow has no virtualKey in its context', () => {
    expect(allowResult('arn:r', { clientId: 'c1', endUser: 'c1' }).context).toEqual({ clientId: 'c1', endUser: 'c1' });
  });

  test('a deny is an explicit Deny with no context', () => {
    expect(denyResult('arn:r', 'c1')).toEqual({
      principalId: 'c1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: 'arn:r' }] },
    });
  });
});
