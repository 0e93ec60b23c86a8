import { Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';

export interface ApiDomainProps {
  /** The public hosted zone the name lives in; the certificate is validated there and the alias written there. */
  readonly zone: route53.IHostedZone;
  /** The API's stable name, api.<base>. */
  readonly domainName: string;
  /** The stage the domain's root maps to. */
  readonly stage: apigateway.Stage;
}

/**
 * A stable name for the gateway API: `https://api.<base>/v1` survives the nightly re-create, where the execute-api
 * hostname (a new API id every time) does not. The domain's root maps to the stage, so the stage name is not part of
 * the URL.
 *
 * The execute-api endpoint stays on: the authorizer, throttling and WAF sit on the stage, so both names are guarded
 * alike, and `npm run smoke` and environments without a domain keep using it (GatewayUrl).
 *
 * Token URL: the machine identity's Cognito domain is `genai-<env>-<stack id block>` (constructs/machine-identity.ts),
 * new with every re-create of the edge stack, like its app client ids and secrets. It is stable in retained
 * environments only; the edge stack adds a relay on this domain, `https://api.<base>/oauth2/token` (StableTokenUrl).
 */
export class ApiDomain extends Construct {
  readonly certificate: acm.Certificate;
  readonly domain: apigateway.DomainName;
  /** The OpenAI base URL for client apps: `https://api.<base>/v1`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiDomainProps) {
    super(scope, id);
    const { zone, domainName } = props;
    if (!Token.isUnresolved(zone.zoneName) && domainName !== zone.zoneName && !domainName.endsWith(`.${zone.zoneName}`)) {
      throw new Error(
        `domainName: "${domainName}" is not in zone ${zone.zoneName} (the certificate is validated and the alias written there)`,
      );
    }

    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    this.domain = new apigateway.DomainName(this, 'Domain', {
      domainName,
      certificate: this.certificate,
      // Regional like the API: the certificate lives in the API's region and streams keep the regional idle timeout.
      endpointType: apigateway.EndpointType.REGIONAL,
      // The one policy Control Tower's CT.APIGATEWAY.PR.6 accepts; TLS 1.2 and up.
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    });
    new apigateway.BasePathMapping(this, 'Mapping', {
      domainName: this.domain,
      restApi: props.stage.restApi,
      stage: props.stage,
    });
    new route53.ARecord(this, 'Alias', {
      zone,
      recordName: `${domainName}.`,
      target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayDomain(this.domain)),
    });
    this.url = `https://${domainName}/v1`;
  }
}
