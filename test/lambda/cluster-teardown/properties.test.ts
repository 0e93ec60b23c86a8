import {
  InvalidPropertiesError,
  MAX_TIMEOUT_SECONDS,
  parseResourceProperties,
  physicalResourceId,
} from '../../../lambda/cluster-teardown/properties';

const VALID = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  ClusterName: 'genai-dev',
  VpcId: 'vpc-0123456789abcdef0',
  Mode: 'volumes',
  DeleteOrphans: 'true',
  TimeoutSeconds: '600',
};

function problemsOf(input: unknown): readonly string[] {
  try {
    parseResourceProperties(input);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidPropertiesError);
    return (err as InvalidPropertiesError).problems;
  }
  throw new Error('expected the properties to be rejected');
}

describe('parseResourceProperties', () => {
  test('converts the strings CloudFormation passes into typed values and ignores the ServiceToken', () => {
    expect(parseResourceProperties(VALID)).toEqual({
      clusterName: 'genai-dev',
      vpcId: 'vpc-0123456789abcdef0',
      mode: 'volumes',
      deleteOrphans: true,
      timeoutSeconds: 600,
    });
    expect(parseResourceProperties({ ...VALID, Mode: 'network', DeleteOrphans: 'false', TimeoutSeconds: '1' })).toMatchObject({
      mode: 'network',
      deleteOrphans: false,
      timeoutSeconds: 1,
    });
  });

  test('accepts the longest wait that still ends before the Lambda limit', () => {
    expect(parseResourceProperties({ ...VALID, TimeoutSeconds: String(MAX_TIMEOUT_SECONDS) }).timeoutSeconds).toBe(840);
  });

  test.each([
    ['ClusterName', { ClusterName: '' }, 'ClusterName: must be an EKS cluster name'],
    ['ClusterName', { ClusterName: 'has space' }, 'ClusterName: must be an EKS cluster name'],
    ['ClusterName', { ClusterName: undefined }, 'ClusterName: is required'],
    ['VpcId', { VpcId: 'subnet-0123456789abcdef0' }, 'VpcId: must be a VPC id'],
    ['Mode', { Mode: 'all' }, 'Mode: must be "volumes" or "network"'],
    ['DeleteOrphans', { DeleteOrphans: 'yes' }, 'DeleteOrphans: must be the string "true" or "false"'],
    ['DeleteOrphans', { DeleteOrphans: true }, 'DeleteOrphans: must be the string "true" or "false"'],
    ['TimeoutSeconds', { TimeoutSeconds: '0' }, 'TimeoutSeconds: must be a whole number of seconds from 1 to 840'],
    ['TimeoutSeconds', { TimeoutSeconds: '841' }, 'TimeoutSeconds: must be at most 840'],
    ['TimeoutSeconds', { TimeoutSeconds: '10.5' }, 'TimeoutSeconds: must be a whole number of seconds from 1 to 840'],
    ['TimeoutSeconds', { TimeoutSeconds: 600 }, 'TimeoutSeconds: is required (a whole number of seconds from 1 to 840, as a string)'],
  ])('rejects a bad %s with a message naming it', (_field, change, expected) => {
    const problems = problemsOf({ ...VALID, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  test('lists every problem at once', () => {
    expect(() => parseResourceProperties({ Mode: 'both' })).toThrow(
      [
        'Invalid ResourceProperties of the cluster teardown custom resource:',
        '  - ClusterName: is required (the EKS cluster name, a string)',
        '  - VpcId: is required (the id of the cluster VPC, a string)',
        '  - Mode: must be "volumes" or "network"',
        '  - DeleteOrphans: must be the string "true" or "false"',
        '  - TimeoutSeconds: is required (a whole number of seconds from 1 to 840, as a string)',
      ].join('\n'),
    );
  });

  test('rejects missing properties altogether', () => {
    expect(problemsOf(undefined).length).toBe(5);
  });
});

describe('physicalResourceId', () => {
  test('is the same for the same cluster and mode, so an Update never replaces the resource', () => {
    const props = parseResourceProperties(VALID);
    expect(physicalResourceId(props)).toBe('teardown-genai-dev-volumes');
    expect(physicalResourceId(parseResourceProperties({ ...VALID, TimeoutSeconds: '60', DeleteOrphans: 'false' }))).toBe(
      'teardown-genai-dev-volumes',
    );
    expect(physicalResourceId({ clusterName: 'genai-dev', mode: 'network' })).toBe('teardown-genai-dev-network');
  });
});
