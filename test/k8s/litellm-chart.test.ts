import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { LITELLM_UID, LITELLM_WRITABLE_ENV, LITELLM_WRITABLE_PATHS, litellmMigrationJobName } from '../../k8s/litellm-chart';
import { placeholderAwsValues } from '../../k8s/platform-charts';
import { runsBatchJobs } from '../../lib/shared/batches';
import { withWebDomain } from '../support/web-config';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from './support/charts';

describe.each(ENVIRONMENT_NAMES)('LitellmChart (%s)', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).litellm) as Manifest[];
  const deployment = find(manifests, 'Deployment', 'litellm');
  const container = deployment.spec.template.spec.containers[0];

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('serves config.yaml from the ConfigMap with the expected models and no custom key header', () => {
    const configMap = find(manifests, 'ConfigMap', 'litellm-config');
    const parsed = parse(configMap.data['config.yaml']);
    // The configured deployments, then a guarded copy of each model of every team that chose a guardrail.
    const guarded = cfg.guardrails.flatMap((g) => {
      const models = new Set(cfg.tenants.teams.filter((t) => t.guardrail === g.name).flatMap((t) => t.models));
      return cfg.models.filter((m) => models.has(m.name)).map((m) => `${m.name}.guard-${g.name}`);
    });
    // Then the load kit's mock where the environment serves it; last, the batch copies of the batch groups' deployments.
    const mock = cfg.loadTest.mockModel ? ['load-mock'] : [];
    // Only the deployments that run batch jobs (in the environment's region and account) get a batch copy.
    const batch = cfg.models
      .filter((m) => cfg.batches.enabled && cfg.batches.models.includes(m.name) && runsBatchJobs(m, cfg.region))
      .map((m) => `${m.name}-batch`);
    expect(parsed.model_list.map((m: Manifest) => m.model_name)).toEqual([...cfg.models.map((m) => m.name), ...guarded, ...mock, ...batch]);
    expect(parsed.general_settings).not.toHaveProperty('litellm_key_header_name');
    expect(container.args).toEqual(['--config', '/etc/litellm/config.yaml', '--port', '4000']);
  });

  test('hands the batch bucket and service role to the gateway and its migration Job only where batches run', () => {
    const pods = [deployment, find(manifests, 'Job', litellmMigrationJobName())];
    for (const pod of pods) {
      const vars = envOf(pod.spec.template.spec.containers[0]);
      if (cfg.batches.enabled) {
        expect(vars).toMatchObject({ LITELLM_BATCH_BUCKET: '<batch-bucket>', LITELLM_BATCH_ROLE_ARN: '<bedrock-batch-role-arn>' });
      } else {
        expect(Object.keys(vars)).not.toContain('LITELLM_BATCH_BUCKET');
        expect(Object.keys(vars)).not.toContain('LITELLM_BATCH_ROLE_ARN');
      }
    }
  });

  test('serving pods never migrate the schema; one Job per image version does, and fails when a migration fails', () => {
    expect(envOf(container).DISABLE_SCHEMA_UPDATE).toBe('true');
    const job = find(manifests, 'Job', litellmMigrationJobName());
    const migrate = job.spec.template.spec.containers[0];
    expect(envOf(migrate).DISABLE_SCHEMA_UPDATE).toBe('false');
    expect(migrate.args).toEqual(['--config', '/etc/litellm/config.yaml', '--skip_server_startup', '--enforce_prisma_migration_check']);
    expect(migrate.image).toBe(container.image);
  });

  test.each(['Deployment', 'Job'])('the %s runs as the image user with every path LiteLLM writes on an emptyDir', (kind) => {
    const owner = manifests.find((m) => m.kind === kind) as Manifest;
    const pod = owner.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: LITELLM_UID, runAsGroup: LITELLM_UID, fsGroup: LITELLM_UID });
    const c = pod.containers[0];
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const emptyDirs = new Set(pod.volumes.filter((v: Manifest) => v.emptyDir).map((v: Manifest) => v.name));
    const writable = c.volumeMounts.filter((m: Manifest) => emptyDirs.has(m.name)).map((m: Manifest) => m.mountPath);
    expect(writable.sort()).toEqual(Object.values(LITELLM_WRITABLE_PATHS).sort());
    expect(envOf(c)).toMatchObject(LITELLM_WRITABLE_ENV);
  });

  test('probes the LiteLLM health endpoints', () => {
    expect(container.livenessProbe.httpGet.path).toBe('/health/liveliness');
    expect(container.readinessProbe.httpGet.path).toBe('/health/readiness');
  });

  test('scales between the configured replica counts and spreads across zones', () => {
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'litellm');
    expect(hpa.spec).toMatchObject({ minReplicas: cfg.workloads.litellm.minReplicas, maxReplicas: cfg.workloads.litellm.maxReplicas });
    expect(deployment.spec.template.spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone' });
  });

  test('reaches Redis over TLS and Langfuse in-cluster, in production mode with error-level logs', () => {
    expect(envOf(container)).toMatchObject({
      REDIS_HOST: '<elasticache-endpoint>',
      REDIS_SSL: 'True',
      LITELLM_MODE: 'PRODUCTION',
      LITELLM_LOG: 'ERROR',
      LANGFUSE_OTEL_HOST: 'http://langfuse-web.langfuse.svc.cluster.local:3000',
      LANGFUSE_HOST: 'http://langfuse-web.langfuse.svc.cluster.local:3000',
      LANGFUSE_PUBLIC_KEY: 'secret:litellm-env/LANGFUSE_PUBLIC_KEY',
    });
  });

  test('prefixes keys as LiteLLM and Langfuse expect them', () => {
    const es = find(manifests, 'ExternalSecret', 'litellm-env');
    expect(es.spec.target.template.data).toMatchObject({
      LITELLM_MASTER_KEY: 'sk-{{ .masterKey }}',
      LANGFUSE_PUBLIC_KEY: 'pk-lf-{{ .langfusePublicKey }}',
      LANGFUSE_SECRET_KEY: 'sk-lf-{{ .langfuseSecretKey }}',
    });
    expect(es.spec.target.template.data.DATABASE_URL).toMatch(/^postgresql:\/\/.*@<aurora-endpoint>:<aurora-port>\/.*sslmode=require$/);
  });

  test('binds the pods to the edge target group by IP', () => {
    expect(find(manifests, 'TargetGroupBinding', 'litellm').spec).toEqual({
      targetGroupARN: '<litellm-target-group-arn>',
      targetType: 'ip',
      serviceRef: { name: 'litellm', port: 4000 },
    });
  });
});

describe('LitellmChart options', () => {
  test('creates no TargetGroupBinding when no target group ARN is given', () => {
    const cfg = config('dev');
    const manifests = Testing.synth(charts(cfg, { ...placeholderAwsValues(cfg), litellmTargetGroupArn: undefined }).litellm) as Manifest[];
    expect(manifests.filter((m) => m.kind === 'TargetGroupBinding')).toEqual([]);
  });

  test('syncs third-party API keys into the variables config.yaml names', () => {
    const cfg = {
      ...config('dev'),
      models: [
        {
          provider: 'azure' as const,
          name: 'gpt-4o',
          deployment: 'gpt-4o',
          apiBase: 'https://acme.openai.azure.com',
          apiVersion: '2024-10-21',
          apiKeySecretName: 'azure-key',
        },
      ],
    };
    const manifests = Testing.synth(charts(cfg).litellm) as Manifest[];
    const es = find(manifests, 'ExternalSecret', 'litellm-env');
    expect(es.spec.data).toContainEqual({ secretKey: 'modelKey0', remoteRef: { key: 'azure-key' } });
    expect(es.spec.target.template.data.AZURE_API_KEY_GPT_4O).toBe('{{ .modelKey0 }}');
    expect(envOf(find(manifests, 'Deployment', 'litellm').spec.template.spec.containers[0]).AZURE_API_KEY_GPT_4O).toBe(
      'secret:litellm-env/AZURE_API_KEY_GPT_4O',
    );
  });

  test('rejects a keyed model without a secret name, naming the prop', () => {
    const cfg = {
      ...config('dev'),
      models: [{ provider: 'gemini' as const, name: 'gemini-pro', model: 'gemini-2.5-pro', apiKeySecretName: 'g' }],
    };
    expect(() => charts(cfg, { ...placeholderAwsValues(cfg), modelApiKeySecretNames: {} })).toThrow(
      "aws.modelApiKeySecretNames: has no secret for model(s) gemini-pro (add the secret name holding each model's API key)",
    );
  });

  test("syncs an MCP server's credential into the variable config.yaml names, and only that server's", () => {
    const docs = { name: 'docs', url: 'https://mcp.example.com/mcp', transport: 'http' as const, description: 'Docs' };
    const cfg = { ...config('dev'), mcpServers: [docs, { ...docs, name: 'tickets', credentialSecretName: 'mcp/tickets-token' }] };
    const manifests = Testing.synth(charts(cfg).litellm) as Manifest[];
    const es = find(manifests, 'ExternalSecret', 'litellm-env');
    expect(es.spec.data).toContainEqual({ secretKey: 'mcpCredential0', remoteRef: { key: 'mcp/tickets-token' } });
    expect(es.spec.target.template.data.MCP_CREDENTIAL_TICKETS).toBe('{{ .mcpCredential0 }}');
    expect(Object.keys(es.spec.target.template.data)).not.toContain('MCP_CREDENTIAL_DOCS');
    expect(envOf(find(manifests, 'Deployment', 'litellm').spec.template.spec.containers[0]).MCP_CREDENTIAL_TICKETS).toBe(
      'secret:litellm-env/MCP_CREDENTIAL_TICKETS',
    );
  });

  test('rejects an MCP server with a credential but no secret name, naming the prop', () => {
    const cfg = {
      ...config('dev'),
      mcpServers: [
        { name: 'tickets', url: 'https://t.example.com/mcp', transport: 'http' as const, description: 'T', credentialSecretName: 's' },
      ],
    };
    expect(() => charts(cfg, { ...placeholderAwsValues(cfg), mcpCredentialSecretNames: {} })).toThrow(
      "aws.mcpCredentialSecretNames: has no secret for MCP server(s) tickets (add the secret name holding each server's credential)",
    );
  });

  test('rejects batches without the bucket and role, naming the prop, rather than render an unresolved reference', () => {
    const cfg = config('dev');
    const { batches: _batches, ...aws } = placeholderAwsValues(cfg);
    expect(() => charts(cfg, aws)).toThrow('aws.batches: is required with batches.enabled (the batch bucket name and service role ARN)');
  });

  test('names the migration Job after the image version', () => {
    expect(litellmMigrationJobName('v1.108.12')).toBe('litellm-migrate-v1-108-12');
    expect(litellmMigrationJobName('main-v1.80.11-stable.1')).toBe('litellm-migrate-main-v1-80-11-stable-1');
  });
});

describe('LitellmChart behind the public web load balancer', () => {
  const bindingsOf = (manifests: Manifest[]) =>
    manifests
      .filter((m) => m.kind === 'TargetGroupBinding')
      .map((b) => ({ name: b.metadata.name, namespace: b.metadata.namespace, spec: b.spec }));

  test('with a web domain also binds the pods to the web target group, by IP on the service port, under a name of its own', () => {
    const manifests = Testing.synth(charts(withWebDomain(config('dev'))).litellm) as Manifest[];
    const service = find(manifests, 'Service', 'litellm');
    expect(bindingsOf(manifests)).toEqual([
      {
        name: 'litellm',
        namespace: 'litellm',
        spec: { targetGroupARN: '<litellm-target-group-arn>', targetType: 'ip', serviceRef: { name: 'litellm', port: 4000 } },
      },
      {
        name: 'litellm-public',
        namespace: 'litellm',
        spec: { targetGroupARN: '<web-litellm-target-group-arn>', targetType: 'ip', serviceRef: { name: 'litellm', port: 4000 } },
      },
    ]);
    expect(service.spec.ports.map((p: Manifest) => p.port)).toEqual([4000]);
  });

  test('binds to the web target group only when its ARN is given', () => {
    const cfg = withWebDomain(config('dev'));
    const others = { openWebUi: '<web-open-webui-target-group-arn>', langfuse: '<web-langfuse-target-group-arn>' };
    const manifests = Testing.synth(charts(cfg, { ...placeholderAwsValues(cfg), webTargetGroupArns: others }).litellm) as Manifest[];
    expect(bindingsOf(manifests).map((b) => b.name)).toEqual(['litellm']);
    expect(bindingsOf(Testing.synth(charts(config('dev')).litellm) as Manifest[]).map((b) => b.name)).toEqual(['litellm']);
  });

  test('binds to the web target group alone when there is no internal one', () => {
    const cfg = withWebDomain(config('dev'));
    const manifests = Testing.synth(charts(cfg, { ...placeholderAwsValues(cfg), litellmTargetGroupArn: undefined }).litellm) as Manifest[];
    expect(bindingsOf(manifests).map((b) => [b.name, b.spec.targetGroupARN])).toEqual([
      ['litellm-public', '<web-litellm-target-group-arn>'],
    ]);
  });
});
