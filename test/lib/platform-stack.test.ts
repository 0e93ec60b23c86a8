import { Template } from 'aws-cdk-lib/assertions';
import { HELM_CHARTS } from '../../k8s/versions';
import { createStacks } from '../../lib/create-stacks';
import { snapshotOf, synthEnvironment, testApp } from '../support/app';
import { TEST_DOMAIN, withDomain } from '../support/web-domain';

type Manifest = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: unknown };

/** The Kubernetes objects of one applied chart, with CloudFormation intrinsics flattened to `<ref>`. */
function objectsOf(resource: { Properties: { Manifest: unknown } }): Manifest[] {
  const manifest = resource.Properties.Manifest;
  const text =
    typeof manifest === 'string'
      ? manifest
      : (manifest as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<ref>')).join('');
  return JSON.parse(text) as Manifest[];
}

describe('PlatformStack', () => {
  describe.each(['dev', 'prod'])('%s', (name) => {
    const { config, templates } = synthEnvironment(name);
    const platform = templates.platform;
    const manifests = platform.findResources('Custom::AWSCDK-EKS-KubernetesResource');

    test('matches the snapshot', () => {
      expect(snapshotOf(platform)).toMatchSnapshot();
    });

    test('installs the pinned External Secrets Operator chart, its controller with no AWS role', () => {
      const eso = HELM_CHARTS.externalSecrets;
      platform.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
        Chart: eso.chart,
        Repository: eso.repository,
        Version: eso.version,
        Namespace: eso.namespace,
        CreateNamespace: true,
        Wait: true,
      });
      const [helm] = Object.values(platform.findResources('Custom::AWSCDK-EKS-HelmChart'));
      // Each namespace's SecretStore authenticates as its own account; the controller's own identity can read nothing.
      expect(JSON.stringify(helm!.Properties.Values)).not.toContain('eks.amazonaws.com/role-arn');
    });

    test('waits for PVC-backed volumes to go on destroy only where volumes are not kept', () => {
      const teardowns = Object.values(platform.findResources('Custom::ClusterTeardown'));
      if (!config.ephemeral) {
        expect(teardowns).toEqual([]);
        return;
      }
      expect(teardowns.map((t) => t.Properties)).toEqual([
        expect.objectContaining({ Mode: 'volumes', DeleteOrphans: 'true', ClusterName: `genai-${name}` }),
      ]);
      // The operator (and through it every chart) depends on the teardown, so it is deleted last.
      const [helm] = Object.values(platform.findResources('Custom::AWSCDK-EKS-HelmChart'));
      expect(helm!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^VolumeTeardown/)]));
    });

    test('applies the charts in dependency order: operator, base, ClickHouse, Langfuse, LiteLLM', () => {
      const order = ['Base', 'Clickhouse', 'Langfuse', 'Litellm'];
      const idOf = (prefix: string) => Object.keys(manifests).find((id) => id.startsWith(`${prefix}Chart`))!;
      const helm = Object.keys(platform.findResources('Custom::AWSCDK-EKS-HelmChart'))[0]!;
      expect(manifests[idOf('Base')]!.DependsOn).toEqual(expect.arrayContaining([helm]));
      // Besides its predecessor, LiteLLM waits only for its Bedrock grant (next test).
      const chartDeps = (id: string) => (manifests[id]!.DependsOn as string[]).filter((d) => !d.startsWith('BedrockProfilesInvokePolicy'));
      for (let i = 1; i < order.length; i++) expect(chartDeps(idOf(order[i]!))).toEqual([idOf(order[i - 1]!)]);
    });

    test("starts LiteLLM only once its role may invoke the environment's application inference profiles", () => {
      const litellm = Object.keys(manifests).find((id) => id.startsWith('LitellmChart'))!;
      const [policy] = Object.keys(platform.findResources('AWS::IAM::Policy')).filter((id) => id.startsWith('BedrockProfilesInvokePolicy'));
      expect(policy).toBeDefined();
      expect(manifests[litellm]!.DependsOn).toEqual(expect.arrayContaining([policy]));
      expect(platform.findResources('AWS::Bedrock::ApplicationInferenceProfile')).not.toEqual({});
    });

    test('binds every workload service account to its IAM role by reference, never by a literal ARN; the backup job has no account of its own', () => {
      const accounts = Object.values(manifests)
        .flatMap((m) => objectsOf(m as never))
        .filter((o) => o.kind === 'ServiceAccount');
      expect(accounts.map((a) => `${a.metadata.namespace}/${a.metadata.name}`).sort()).toEqual([
        'langfuse/clickhouse',
        'langfuse/clickhouse-metrics',
        'langfuse/langfuse',
        'langfuse/secrets-sync',
        'litellm/litellm',
        'litellm/secrets-sync',
        ...(config.openWebUi.enabled ? ['open-webui/open-webui', 'open-webui/secrets-sync'] : []),
      ]);
      // The backup job runs as clickhouse-metrics (it may only put metrics into one namespace): no account without a role.
      for (const account of accounts) {
        const role = account.metadata.annotations?.['eks.amazonaws.com/role-arn'];
        expect([account.metadata.name, role]).toEqual([account.metadata.name, '<ref>']);
      }
    });

    test('puts no Secret object into a manifest: values come from the in-cluster sync', () => {
      const kinds = Object.values(manifests)
        .flatMap((m) => objectsOf(m as never))
        .map((o) => o.kind);
      expect(kinds).not.toContain('Secret');
      expect(kinds).toContain('ExternalSecret');
    });

    test("registers the LiteLLM and Langfuse web pods in the edge load balancer's target groups", () => {
      const bindings = Object.values(manifests)
        .flatMap((m) => objectsOf(m as never))
        .filter((o) => o.kind === 'TargetGroupBinding');
      expect(bindings.map((b) => b.spec)).toEqual([
        expect.objectContaining({ targetGroupARN: '<ref>', targetType: 'ip', serviceRef: { name: 'langfuse-web', port: 3000 } }),
        expect.objectContaining({ targetGroupARN: '<ref>', targetType: 'ip', serviceRef: { name: 'litellm', port: 4000 } }),
      ]);
    });

    test('applies Open WebUI last, once the tenants reconciler has issued its key', () => {
      const idOf = (prefix: string) => Object.keys(manifests).find((id) => id.startsWith(`${prefix}Chart`));
      const openWebUi = idOf('OpenWebUi');
      expect(openWebUi !== undefined).toBe(config.openWebUi.enabled);
      if (!openWebUi) return;
      const reconciler = Object.keys(platform.findResources('Custom::LiteLlmTenants'));
      expect(reconciler).toHaveLength(1);
      expect(manifests[openWebUi]!.DependsOn).toEqual(
        expect.arrayContaining([idOf('Litellm'), expect.stringMatching(/^TenantsReconciler/)]),
      );
    });

    test('tells Langfuse the URL of its internal load balancer listener', () => {
      const web = Object.values(manifests)
        .flatMap((m) => objectsOf(m as never))
        .find((o) => o.kind === 'Deployment' && o.metadata.name === 'langfuse-web') as unknown as {
        spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
      };
      expect(web.spec.template.spec.containers[0]!.env).toContainEqual({ name: 'NEXTAUTH_URL', value: 'http://<ref>:3000' });
    });
  });
});

describe('PlatformStack with a web domain (dev)', () => {
  const stage = createStacks(testApp(), withDomain('dev'));
  const platform = Template.fromStack(stage.platform);
  const webGroups = stage.edge.webTargetGroupArns!;
  /** Every applied object, each CloudFormation intrinsic kept as its JSON text where the manifest embeds it. */
  const objects = Object.values(platform.findResources('Custom::AWSCDK-EKS-KubernetesResource')).flatMap((resource) => {
    const manifest = resource.Properties.Manifest as string | { 'Fn::Join': [string, unknown[]] };
    const text =
      typeof manifest === 'string'
        ? manifest
        : manifest['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : JSON.stringify(JSON.stringify(p)).slice(1, -1))).join('');
    return JSON.parse(text) as Manifest[];
  });
  const envOf = (deployment: string): Record<string, string | undefined> => {
    const found = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment) as unknown as {
      spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    };
    return Object.fromEntries(found.spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]));
  };

  test("binds the LiteLLM, Langfuse web and Open WebUI pods to the web load balancer's target groups, by reference", () => {
    const bindings = objects.filter((o) => o.kind === 'TargetGroupBinding') as unknown as {
      metadata: { name: string; namespace: string };
      spec: { targetGroupARN: string; targetType: string; serviceRef: { name: string; port: number } };
    }[];
    const boundTo = (arn: string) =>
      bindings.filter((b) => JSON.stringify(JSON.parse(b.spec.targetGroupARN)) === JSON.stringify(stage.platform.resolve(arn)));
    for (const [arn, namespace, service, port] of [
      [webGroups.litellm, 'litellm', 'litellm', 4000],
      [webGroups.langfuse, 'langfuse', 'langfuse-web', 3000],
      [webGroups.openWebUi, 'open-webui', 'open-webui', 8080],
    ] as const) {
      expect(boundTo(arn).map((b) => [b.metadata.namespace, b.spec.targetType, b.spec.serviceRef])).toEqual([
        [namespace, 'ip', { name: service, port }],
      ]);
    }
    // Beside the internal load balancer's LiteLLM binding, under names of their own; with a domain the internal load
    // balancer has no Langfuse target group, so Langfuse has no internal binding.
    expect(bindings.map((b) => `${b.metadata.namespace}/${b.metadata.name}`).sort()).toEqual([
      'langfuse/langfuse-web-public',
      'litellm/litellm',
      'litellm/litellm-public',
      'open-webui/open-webui',
    ]);
    const internalLangfuse = JSON.stringify(stage.platform.resolve(stage.edge.langfuseTargetGroupArn));
    expect(bindings.filter((b) => JSON.stringify(JSON.parse(b.spec.targetGroupARN)) === internalLangfuse)).toEqual([]);
  });

  test('tells each UI its public hostname: Langfuse NEXTAUTH_URL, LiteLLM PROXY_BASE_URL, Open WebUI WEBUI_URL', () => {
    expect(envOf('langfuse-web').NEXTAUTH_URL).toBe(`https://langfuse.${TEST_DOMAIN.base}`);
    expect(envOf('litellm').PROXY_BASE_URL).toBe(`https://litellm.${TEST_DOMAIN.base}`);
    expect(envOf('open-webui').WEBUI_URL).toBe(`https://chat.${TEST_DOMAIN.base}`);
  });
});
