import { scramSha256Verifier } from '../../../lambda/db-bootstrap/scram';

describe('scramSha256Verifier', () => {
  test('matches the verifier PostgreSQL 15 stored for the same password and salt', () => {
    // GIVEN a verifier captured from `CREATE ROLE v PASSWORD '...'` on a real server
    const fromPostgres =
      'SCRAM-SHA-256$4096:RSO+B2MT6NV9SW4zpZkdAQ==$0R5GsQjlhIIN5iDgBGot4/XteFnewAnXSPfzeZAfebM=:PhZNFmVXIYl/JKWt/t+QbIvNeUMvc4oa6Byt11L6WQg=';
    const salt = Buffer.from('RSO+B2MT6NV9SW4zpZkdAQ==', 'base64');

    // WHEN we hash the same password with the same salt
    const verifier = scramSha256Verifier('k3Yb0ard cat!\'"$\\', salt);

    // THEN both agree byte for byte
    expect(verifier).toBe(fromPostgres);
  });

  test('uses a fresh random salt on every call', () => {
    expect(scramSha256Verifier('same-password')).not.toBe(scramSha256Verifier('same-password'));
  });

  test('never contains the password itself', () => {
    expect(scramSha256Verifier('VisiblePassword123')).not.toContain('VisiblePassword123');
  });
});
