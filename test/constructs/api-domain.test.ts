import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ApiDomain } from '../../constructs/api-domain';
import { testApp } from '../support/app';

function build(domainName = 'api.dev.genai.example.com'): { template: Template; domain: ApiDomain } {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: 'api' } });
  api.root.addResource('v1').addMethod('GET', new apigateway.MockIntegration());
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    zoneName: 'example.com',
  });
  const domain = new ApiDomain(stack, 'ApiDomain', { zone, domainName, stage: api.deploymentStage });
  return { template: Template.fromStack(stack), domain };
}

describe('ApiDomain', () => {
  const { template, domain } = build();

  test('is a regional custom domain with TLS 1.2 or later and a certificate validated by DNS in the zone', () => {
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.dev.genai.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
      RegionalCertificateArn: { Ref: Match.stringLikeRegexp('^ApiDomainCertificate') },
    });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.dev.genai.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'api.dev.genai.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
  });

  test('maps the domain root to the stage, so the client base URL is https://api.<base>/v1', () => {
    const [mapping] = Object.values(template.findResources('AWS::ApiGateway::BasePathMapping'));
    expect(mapping!.Properties.BasePath).toBeUndefined();
    expect(mapping!.Properties.Stage).toEqual({ Ref: expect.stringMatching(/^ApiDeploymentStageapi/) });
    expect(domain.url).toBe('https://api.dev.genai.example.com/v1');
  });

  test('publishes an alias A record to the regional domain in the zone', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.dev.genai.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      AliasTarget: {
        DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiDomain[0-9A-F]{8}$'), 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiDomain[0-9A-F]{8}$'), 'RegionalHostedZoneId'] },
      },
    });
  });

  test('rejects a name outside the zone before building anything', () => {
    expect(() => build('api.example.org')).toThrow(
      'domainName: "api.example.org" is not in zone example.com (the certificate is validated and the alias written there)',
    );
  });
});
