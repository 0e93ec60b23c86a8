import { parseCdkDiff, renderSection, truncate } from '../../bin/diff-comment';

// Shape of `cdk diff --no-color` output (aws-cdk 2.1148), trimmed.
const OUTPUT = [
  '> genai-gateway-platform@0.1.0 diff',
  'Bundling asset dev/Data/ApplicationDatabases/Function/Code/Stage...',
  '',
  'Stack dev/Network (genai-dev-network)',
  'Resources',
  '[+] AWS::EC2::FlowLog Network/Vpc/FlowLog/FlowLog VpcFlowLog8FF33A73',
  '[-] AWS::SNS::Topic Old Old',
  '[~] AWS::Logs::LogGroup Network/FlowLogs FlowLogs16C1943A',
  ' └─ [~] RetentionInDays',
  '     ├─ [-] 7',
  '     └─ [+] 90',
  '',
  'Outputs',
  '[+] Output Network/Publish/Vpc PublishVpc: {"Value":{"Ref":"Vpc8378EB38"}}',
  '',
  'Stack dev/Data (genai-dev-data)',
  'There were no differences',
  '',
  '\u001b[1mStack dev/Cluster (genai-dev-cluster)\u001b[22m',
  'There were no differences',
  '',
  '',
  '✨  Number of stacks with differences: 1',
  '',
].join('\n');

describe('parseCdkDiff', () => {
  test('splits the output per stack and counts marked changes', () => {
    const { stacks, preamble } = parseCdkDiff(OUTPUT);
    expect(stacks.map((s) => [s.id, s.stackName, s.hasDifferences, s.changes])).toEqual([
      ['dev/Network', 'genai-dev-network', true, 4],
      ['dev/Data', 'genai-dev-data', false, 0],
      ['dev/Cluster', 'genai-dev-cluster', false, 0],
    ]);
    expect(preamble[0]).toBe('> genai-gateway-platform@0.1.0 diff');
  });

  test('drops the closing count and surrounding blank lines', () => {
    const network = parseCdkDiff(OUTPUT).stacks[0];
    expect(network?.lines[0]).toBe('Resources');
    expect(network?.lines.at(-1)).toContain('[+] Output');
  });
});

describe('renderSection', () => {
  const section = renderSection({
    environment: 'dev',
    diffOutput: OUTPUT,
    exitCode: 0,
    manifestStat: ' manifests/dev/litellm.yaml | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)\n',
  });

  test('heads the section with the environment and how many stacks changed', () => {
    expect(section.split('\n')[0]).toBe('### `dev`: 1 of 3 stacks changed');
  });

  test('collapses each changed stack, colouring additions and removals', () => {
    expect(section).toContain('<details><summary>dev/Network (genai-dev-network): 4 changes</summary>');
    expect(section).toContain('```diff\n Resources\n+[+] AWS::EC2::FlowLog');
    expect(section).toContain('\n-[-] AWS::SNS::Topic Old Old');
  });

  test('lists unchanged stacks on one line and leaves out the synth noise', () => {
    expect(section).toContain('No differences: `dev/Data`, `dev/Cluster`');
    expect(section).not.toContain('Bundling asset');
    expect(section).not.toContain('Number of stacks');
  });

  test('summarises the manifest changes with the stat inside', () => {
    expect(section).toContain('<details><summary>Manifests: 1 file changed, 2 insertions(+), 2 deletions(-)</summary>');
    expect(section).toContain('manifests/dev/litellm.yaml | 4 ++--');
  });

  test('says so when the manifests did not change', () => {
    expect(renderSection({ environment: 'dev', diffOutput: OUTPUT, exitCode: 0 })).toContain('Manifests: no change.');
  });

  test('opens every <details> it closes', () => {
    expect(section.match(/<details>/g)?.length).toBe(section.match(/<\/details>/g)?.length);
  });

  test('a failed diff says so and shows the end of its output', () => {
    const failed = renderSection({ environment: 'prod', diffOutput: 'Bundling...\nUnable to resolve AWS account to use\n', exitCode: 1 });
    expect(failed.split('\n')[0]).toBe('### `prod`: :x: cdk diff failed (exit 1); see the job log');
    expect(failed).toContain('<details><summary>cdk diff failed (exit 1): last lines of its output</summary>');
    expect(failed).toContain('Unable to resolve AWS account to use');
  });

  test('stays within its budget on a huge diff', () => {
    const huge = `Stack dev/Cluster (genai-dev-cluster)\n${Array.from({ length: 20_000 }, (_, i) => `[+] AWS::IAM::Role R${i} R${i}`).join('\n')}\n`;
    const out = renderSection({ environment: 'dev', diffOutput: huge, exitCode: 0, maxChars: 10_000 });
    expect(out.length).toBeLessThanOrEqual(10_000);
    expect(out).toContain('more line(s) cut; the full output is in the job log');
    expect(out).toContain('dev/Cluster (genai-dev-cluster): 20000 changes');
  });

  test('output containing backticks cannot close the code fence', () => {
    const out = renderSection({ environment: 'dev', diffOutput: 'Stack dev/Edge (genai-dev-edge)\n[+] Output ```x```\n', exitCode: 0 });
    expect(out).toContain('````diff\n+[+] Output ```x```\n````');
  });

  test('HTML in a summary is escaped', () => {
    const out = renderSection({ environment: 'dev', diffOutput: 'Stack dev/<b>x</b>\n[+] y\n', exitCode: 0 });
    expect(out).toContain('<summary>dev/&lt;b&gt;x&lt;/b&gt;: 1 change</summary>');
  });
});

describe('truncate', () => {
  test('keeps whole lines from the top', () => {
    expect(truncate(['aaaa', 'bbbb', 'cccc'], 10)).toEqual(['aaaa', 'bbbb', '... 1 more line(s) cut; the full output is in the job log']);
  });

  test('keeps the tail of a log', () => {
    expect(truncate(['aaaa', 'bbbb', 'cccc'], 10, 'start')).toEqual([
      '... 1 more line(s) cut; the full output is in the job log',
      'bbbb',
      'cccc',
    ]);
  });

  test('leaves short output alone', () => {
    expect(truncate(['a'], 10)).toEqual(['a']);
  });
});
