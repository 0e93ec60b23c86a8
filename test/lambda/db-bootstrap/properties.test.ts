import {
  checkApplications,
  InvalidInputError,
  parseMasterSecret,
  parseResourceProperties,
  parseUserSecret,
} from '../../../lambda/db-bootstrap/properties';

const MASTER_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:master-AbCdEf';
const LITELLM_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:litellm-AbCdEf';
const LANGFUSE_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:langfuse-AbCdEf';

const validProperties = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:provider',
  MasterSecretArn: MASTER_ARN,
  Databases: [
    { Name: 'litellm', UserSecretArn: LITELLM_ARN },
    { Name: 'langfuse', UserSecretArn: LANGFUSE_ARN },
  ],
};

function thrown(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return err as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

describe('parseResourceProperties', () => {
  test('accepts the properties CloudFormation passes, ignoring the ServiceToken', () => {
    expect(parseResourceProperties(validProperties)).toEqual({
      MasterSecretArn: MASTER_ARN,
      Databases: [
        { Name: 'litellm', UserSecretArn: LITELLM_ARN },
        { Name: 'langfuse', UserSecretArn: LANGFUSE_ARN },
      ],
    });
  });

  test.each([
    ['upper case', 'LiteLLM'],
    ['a hyphen', 'lite-llm'],
    ['a leading digit', '1litellm'],
    ['a quote', 'litellm"; DROP DATABASE postgres; --'],
    ['64 characters', 'a'.repeat(64)],
    ['nothing', ''],
  ])('rejects a database Name with %s, naming the field', (_, name) => {
    const err = thrown(() => parseResourceProperties({ ...validProperties, Databases: [{ Name: name, UserSecretArn: LITELLM_ARN }] }));
    expect(err.problems).toEqual([
      `Databases[0].Name: "${name}" is not a valid database name: it must match /^[a-z_][a-z0-9_]{0,62}$/ (lower-case letters, digits and underscores, at most 63)`,
    ]);
  });

  test('accepts a 63-character name, the PostgreSQL limit', () => {
    const name = 'a'.repeat(63);
    expect(parseResourceProperties({ ...validProperties, Databases: [{ Name: name, UserSecretArn: LITELLM_ARN }] })).toBeDefined();
  });

  test.each(['postgres', 'template0', 'template1', 'rdsadmin'])('rejects the reserved database name %s', (name) => {
    const err = thrown(() => parseResourceProperties({ ...validProperties, Databases: [{ Name: name, UserSecretArn: LITELLM_ARN }] }));
    expect(err.problems).toEqual([`Databases[0].Name: "${name}" is reserved; choose an application-specific name`]);
  });

  test('rejects a database listed twice', () => {
    const err = thrown(() =>
      parseResourceProperties({
        ...validProperties,
        Databases: [
          { Name: 'litellm', UserSecretArn: LITELLM_ARN },
          { Name: 'litellm', UserSecretArn: LANGFUSE_ARN },
        ],
      }),
    );
    expect(err.problems).toEqual(['Databases[1].Name: "litellm" is listed twice']);
  });

  test('accepts the extensions a database asks for', () => {
    const props = parseResourceProperties({
      ...validProperties,
      Databases: [{ Name: 'openwebui', UserSecretArn: LITELLM_ARN, Extensions: ['vector'] }],
    });
    expect(props.Databases[0]!.Extensions).toEqual(['vector']);
  });

  test('rejects an extension name that is not a plain identifier, or listed twice', () => {
    const err = thrown(() =>
      parseResourceProperties({
        ...validProperties,
        Databases: [
          { Name: 'openwebui', UserSecretArn: LITELLM_ARN, Extensions: ['vector; DROP'] },
          { Name: 'other', UserSecretArn: LITELLM_ARN, Extensions: ['vector', 'vector'] },
        ],
      }),
    );
    expect(err.problems).toEqual([
      'Databases[0].Extensions[0]: is not a valid extension name: it must match /^[a-z_][a-z0-9_]{0,62}$/ (lower-case letters, digits and underscores, at most 63)',
      'Databases[1].Extensions: lists an extension twice',
    ]);
  });

  test('lists every problem at once', () => {
    const err = thrown(() => parseResourceProperties({ MasterSecretArn: '', Databases: [{ Name: 'OK' }] }));
    expect(err.message).toBe(
      [
        'Invalid ResourceProperties:',
        '  - MasterSecretArn: is required (the ARN of the cluster master secret)',
        '  - Databases[0].Name: "OK" is not a valid database name: it must match /^[a-z_][a-z0-9_]{0,62}$/ (lower-case letters, digits and underscores, at most 63)',
        '  - Databases[0].UserSecretArn: Invalid input: expected string, received undefined',
      ].join('\n'),
    );
  });

  test('rejects an empty database list', () => {
    const err = thrown(() => parseResourceProperties({ MasterSecretArn: MASTER_ARN, Databases: [] }));
    expect(err.problems).toEqual(['Databases: must list at least one database']);
  });
});

describe('parseMasterSecret', () => {
  const rdsSecret = {
    username: 'postgres',
    password: 'master-Secret!',
    host: 'cluster.cluster-abc.eu-west-1.rds.amazonaws.com',
    port: 5432,
    engine: 'postgres',
    dbClusterIdentifier: 'cluster',
  };

  test('reads the fields it needs from the RDS-generated secret', () => {
    expect(parseMasterSecret(JSON.stringify(rdsSecret), MASTER_ARN)).toEqual({
      username: 'postgres',
      password: 'master-Secret!',
      host: 'cluster.cluster-abc.eu-west-1.rds.amazonaws.com',
      port: 5432,
    });
  });

  test('accepts a port written as a string', () => {
    expect(parseMasterSecret(JSON.stringify({ ...rdsSecret, port: '5432' }), MASTER_ARN).port).toBe(5432);
  });

  test('rejects a secret without a host, naming the secret and the field but not the value', () => {
    const { host: _host, ...withoutHost } = rdsSecret;
    const err = thrown(() => parseMasterSecret(JSON.stringify(withoutHost), MASTER_ARN));
    expect(err.message).toBe(`Invalid master secret ${MASTER_ARN}:\n  - host: Invalid input: expected string, received undefined`);
    expect(err.message).not.toContain('master-Secret!');
  });

  test('rejects a SecretString that is not JSON without quoting it', () => {
    const err = thrown(() => parseMasterSecret('hunter2-not-json', MASTER_ARN));
    expect(err.message).toBe(`Invalid master secret ${MASTER_ARN}:\n  - SecretString: is not valid JSON`);
  });
});

describe('parseUserSecret', () => {
  const userSecret = { username: 'litellm', password: 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6', dbname: 'litellm' };

  test('returns the database, role and password of one application', () => {
    expect(parseUserSecret(JSON.stringify(userSecret), LITELLM_ARN, 'litellm')).toEqual({
      name: 'litellm',
      username: 'litellm',
      password: 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6',
    });
  });

  test('rejects a username that is not a plain identifier, without echoing it', () => {
    const err = thrown(() => parseUserSecret(JSON.stringify({ ...userSecret, username: 'Lite LLM' }), LITELLM_ARN, 'litellm'));
    expect(err.problems).toEqual([
      'username: is not a valid role name: it must match /^[a-z_][a-z0-9_]{0,62}$/ (lower-case letters, digits and underscores, at most 63)',
    ]);
    expect(err.message).toContain(`user secret ${LITELLM_ARN} (database "litellm")`);
    expect(err.message).not.toContain('Lite LLM');
  });

  test.each(['pg_monitor', 'rds_superuser', 'rdsadmin', 'postgres', 'public'])('rejects the reserved role name %s', (username) => {
    const err = thrown(() => parseUserSecret(JSON.stringify({ ...userSecret, username }), LITELLM_ARN, 'litellm'));
    expect(err.problems).toEqual([expect.stringMatching(/^username: is a reserved role name/)]);
  });

  test('rejects a password outside printable ASCII, without echoing it', () => {
    const err = thrown(() => parseUserSecret(JSON.stringify({ ...userSecret, password: 'pässwörd-with-umlauts' }), LITELLM_ARN, 'litellm'));
    expect(err.problems).toEqual(['password: must be 8 to 256 printable ASCII characters']);
    expect(err.message).not.toContain('pässwörd');
  });

  test('rejects a secret whose dbname is not the database it is listed under', () => {
    const err = thrown(() => parseUserSecret(JSON.stringify({ ...userSecret, dbname: 'langfuse' }), LITELLM_ARN, 'litellm'));
    expect(err.problems).toEqual(['dbname: must be "litellm", the Name it is listed under']);
  });
});

describe('checkApplications', () => {
  const litellm = { name: 'litellm', username: 'litellm', password: 'x'.repeat(32) };
  const langfuse = { name: 'langfuse', username: 'langfuse', password: 'y'.repeat(32) };

  test('accepts applications with their own roles', () => {
    expect(() => checkApplications('postgres', [litellm, langfuse])).not.toThrow();
  });

  test('rejects two applications sharing one role', () => {
    const err = thrown(() => checkApplications('postgres', [litellm, { ...langfuse, username: 'litellm' }]));
    expect(err.problems).toEqual(['databases "litellm" and "langfuse": their user secrets name the same role; each needs its own']);
  });

  test('rejects an application that would use the master user', () => {
    const err = thrown(() => checkApplications('cluster_admin', [{ ...litellm, username: 'cluster_admin' }]));
    expect(err.problems).toEqual(['database "litellm": its user secret names the master user; each application needs its own role']);
  });
});
