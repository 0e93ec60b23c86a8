/**
 * AWS Control Tower proactive controls as this project runs them: the cfn-guard rules and binary shipped in
 * @cdklabs/cdk-validator-cfnguard, and what its rules accept, checked against our synthesized templates.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { controlTowerRules, guardBinary } from '../../lib/compliance/control-tower-rules';
import { synthEnvironment } from '../support/app';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** Runs one control's rule file over one document; PASS, FAIL or SKIP as cfn-guard reports it. */
function evaluate(control: string, document: unknown): string {
  const rule = controlTowerRules().find((r) => r.control === control)!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-contract-'));
  try {
    const data = path.join(dir, 'document.json');
    fs.writeFileSync(data, JSON.stringify(document));
    const run = spawnSync(
      guardBinary(),
      ['validate', '--rules', rule.file, '--data', data, '--output-format', 'json', '--structured', '--show-summary', 'none'],
      {
        encoding: 'utf8',
      },
    );
    return (JSON.parse(run.stdout) as { status: string }[])[0]!.status;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function resourceOf(resources: Record<string, Resource>, type: string, where: (r: Resource) => boolean): Resource {
  return Object.values(resources).find((r) => r.Type === type && where(r))!;
}

describe('Control Tower proactive controls contract', () => {
  const prod = synthEnvironment('prod').templates;

  test('the package ships cfn-guard 3.1.1 and 237 Control Tower controls, one rule per control', () => {
    // Source: npm, @cdklabs/cdk-validator-cfnguard 0.0.62 (guard-version.json, rules/control-tower/cfn-guard), read 2026-11-29.
    const pkg = JSON.parse(fs.readFileSync(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('0.0.62');
    expect(spawnSync(guardBinary(), ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe('cfn-guard 3.1.1');
    const rules = controlTowerRules();
    expect(rules).toHaveLength(237);
    expect(new Set(rules.map((r) => r.control)).size).toBe(237);
  });

  test('CT.LAMBDA.PR.2 rejects a SourceArn built with Fn::Join in a template and accepts the same ARN resolved, as a hook sees it', () => {
    // Source: ct-lambda-pr-2.guard (0.0.62): for a service principal, SourceArn must be a string or a Ref/GetAtt of a
    // resource in the template; the hook branch reads `<type>.resourceProperties`. That CloudFormation hands the hook
    // resolved values is CloudFormation hooks' design, not exercised here.
    const resources = prod.edge.toJSON().Resources as Record<string, Resource>;
    const permission = resourceOf(resources, 'AWS::Lambda::Permission', (r) => r.Properties.Principal === 'apigateway.amazonaws.com');
    expect(permission.Properties.SourceArn).toHaveProperty(['Fn::Join']);

    expect(evaluate('CT.LAMBDA.PR.2', { Resources: { Permission: permission } })).toBe('FAIL');
    const resolved = { ...permission.Properties, SourceArn: 'arn:aws:execute-api:us-east-1:111122223333:a1b2c3/authorizers/d4e5f6' };
    expect(evaluate('CT.LAMBDA.PR.2', { 'AWS::Lambda::Permission': { resourceProperties: resolved } })).toBe('PASS');
  });

  test('CT.LAMBDA.PR.3 rejects subnets referenced from another stack in a template and accepts them resolved, as a hook sees them', () => {
    // Source: ct-lambda-pr-3.guard (0.0.62): subnet and security group ids must be strings or a Ref/GetAtt of a
    // resource of the right type in the same template; a cross-stack reference (Fn::GetStackOutput, Fn::ImportValue) is neither.
    const resources = prod.data.toJSON().Resources as Record<string, Resource>;
    const fn = resourceOf(resources, 'AWS::Lambda::Function', (r) => r.Properties.VpcConfig !== undefined);
    const vpc = fn.Properties.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
    expect(vpc.SubnetIds.every((s) => /Fn::GetStackOutput|Fn::ImportValue/.test(JSON.stringify(s)))).toBe(true);

    expect(evaluate('CT.LAMBDA.PR.3', { Resources: { Function: fn } })).toBe('FAIL');
    const resolved = {
      ...fn.Properties,
      VpcConfig: { SubnetIds: ['subnet-0123456789abcdef0'], SecurityGroupIds: ['sg-0123456789abcdef0'] },
    };
    expect(evaluate('CT.LAMBDA.PR.3', { 'AWS::Lambda::Function': { resourceProperties: resolved } })).toBe('PASS');
  });

  test('the gateway load balancer has no TLS listener, so Network Load Balancer access logs would record nothing', () => {
    // Source: ELB user guide, "Enable access logs for your Network Load Balancer" (read 2026-11-29): access logs are
    // created only if the load balancer has a TLS listener, and hold TLS requests only. Our exception for
    // CT.ELASTICLOADBALANCING.PR.6 rests on this.
    const listeners = Object.values(prod.edge.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.length).toBeGreaterThan(0);
    expect(listeners.map((l) => (l as Resource).Properties.Protocol)).toEqual(listeners.map(() => 'TCP'));
  });
});
