/**
 * The Kubernetes manifests, rendered offline with `kubectl kustomize` for the base and each
 * overlay, checked against the Kubernetes API schemas, for unknown fields, and against the
 * services themselves: probes on the health endpoints, the settings each service's config schema
 * accepts, Jobs that run real programs, autoscaling bounds that the Kafka partitions can use.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  byKind,
  DEPLOY,
  K8sObject,
  kustomize,
  parseYamlDocuments,
  unknownFields,
  validateAgainstSchemas,
} from './support/k8s';
import {
  configProblems,
  SECRET_SAMPLES,
  ServiceName,
  SERVICES,
  usesDatabase,
  variables,
} from './support/config-schemas';
import { MIGRATIONS, migrationTargets } from '../../scripts/migrate';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provisionTopics = require('../../scripts/provision-topics.js') as {
  loadSettings(env: Record<string, string>): { topics: { topic: string; partitions: number }[] };
};

/* eslint-disable @typescript-eslint/no-explicit-any */
type Container = any;
type PodSpec = any;

const OVERLAYS = {
  development: { namespace: 'dock-fleet-dev', tag: 'dev' },
  production: { namespace: 'dock-fleet', tag: '0.1.0' },
} as const;
type Overlay = keyof typeof OVERLAYS;

const WORKLOAD_KIND: Record<ServiceName, string> = {
  gateway: 'StatefulSet',
  mission: 'Deployment',
  telemetry: 'Deployment',
  file: 'Deployment',
  registry: 'Deployment',
  alerts: 'Deployment',
  media: 'Deployment',
};

/** The Kafka topics each service's consumer groups read (see each app's kafka adapters). */
const CONSUMED_TOPICS: Record<ServiceName, string[]> = {
  gateway: ['dock.commands', 'dock.request-replies'],
  mission: ['dock.command-replies', 'dock.uplink.events'],
  telemetry: ['dock.uplink.events', 'dock.uplink.status'],
  file: ['dock.uplink.requests', 'mission.task-events'],
  registry: ['dock.uplink.requests', 'dock.uplink.status', 'dock.uplink.osd', 'dock.uplink.state'],
  alerts: ['dock.uplink.events', 'mission.task-events', 'registry.device-events', 'alerts.hms'],
  media: [
    'dock.uplink.requests',
    'dock.uplink.events',
    'mission.task-events',
    'dock.command-replies',
  ],
};

const PRE_STOP_MS = 5_000;

const rendered = new Map<string, K8sObject[]>();
function render(dir: string): K8sObject[] {
  if (!rendered.has(dir)) rendered.set(dir, kustomize(dir));
  return rendered.get(dir)!;
}

function workload(objects: K8sObject[], service: ServiceName): K8sObject {
  const found = byKind(objects, WORKLOAD_KIND[service]).get(service);
  if (!found) throw new Error(`no ${WORKLOAD_KIND[service]} ${service}`);
  return found;
}

function podSpec(object: K8sObject): PodSpec {
  return object.spec.template.spec;
}

/** ConfigMap/Secret data by name; production Secrets come from the External Secrets example. */
function secretKeys(overlay: Overlay, objects: K8sObject[]): Map<string, Record<string, string>> {
  if (overlay === 'development') {
    return new Map(
      [...byKind(objects, 'Secret')].map(([name, s]) => [
        name,
        Object.fromEntries(
          Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
        ),
      ]),
    );
  }
  const examples = parseYamlDocuments(
    readFileSync(path.join(DEPLOY, 'overlays/production/external-secrets.example.yaml'), 'utf8'),
  );
  return new Map(
    examples.map((e) => [
      e.spec.target.name as string,
      Object.fromEntries(
        (e.spec.data as { secretKey: string }[]).map(({ secretKey }) => {
          if (!(secretKey in SECRET_SAMPLES)) throw new Error(`no sample for ${secretKey}`);
          return [secretKey, SECRET_SAMPLES[secretKey]];
        }),
      ),
    ]),
  );
}

/** The environment a container gets: envFrom sources in order, then env (fieldRefs sampled). */
function containerEnv(
  overlay: Overlay,
  objects: K8sObject[],
  container: Container,
): Record<string, string> {
  const configMaps = byKind(objects, 'ConfigMap');
  const secrets = secretKeys(overlay, objects);
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = configMaps.get(from.configMapRef.name);
      if (!cm) throw new Error(`ConfigMap ${from.configMapRef.name} is not rendered`);
      Object.assign(env, cm.data);
    } else if (from.secretRef) {
      const data = secrets.get(from.secretRef.name);
      if (!data) throw new Error(`Secret ${from.secretRef.name} is neither rendered nor listed`);
      Object.assign(env, data);
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = 'pod-name-0';
    else throw new Error(`unsupported env source for ${e.name}`);
  }
  // Empty values in an env file mean "unset" for these settings.
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
}

/**
 * Settings naming files in a mounted Secret (certificates) point at files that exist only in the
 * cluster: the schema check reads stand-ins of the same kind (a key for *.key, else a
 * certificate) written to a temporary directory. Other paths are left as they are.
 */
const mountedSamples = mkdtempSync(path.join(os.tmpdir(), 'k8s-mounted-'));
function withMountedFileSamples(
  pod: PodSpec,
  container: Container,
  env: Record<string, string>,
): Record<string, string> {
  const secretVolumes = new Set(
    (pod.volumes ?? []).filter((v: Container) => v.secret).map((v: Container) => v.name),
  );
  const mounts = (container.volumeMounts ?? []).filter((m: Container) => secretVolumes.has(m.name));
  const out = { ...env };
  for (const [name, value] of Object.entries(env)) {
    const mount = mounts.find((m: Container) => value.startsWith(`${m.mountPath}/`));
    if (!mount) continue;
    const file = path.join(mountedSamples, mount.name, path.relative(mount.mountPath, value));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      value.endsWith('.key')
        ? '-----BEGIN PRIVATE KEY-----\nsample\n-----END PRIVATE KEY-----\n'
        : '-----BEGIN CERTIFICATE-----\nsample\n-----END CERTIFICATE-----\n',
    );
    out[name] = file;
  }
  return out;
}

describe('kustomize output', () => {
  it.each(['base', 'overlays/development', 'overlays/production'])('renders %s offline', (dir) => {
    expect(render(dir).length).toBeGreaterThan(10);
  });

  describe('the schema checks themselves', () => {
    it('report a wrong type and an unknown field', () => {
      const copy = () => JSON.parse(JSON.stringify(workload(render('base'), 'mission')));
      const broken = copy();
      broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
      const misspelt = copy();
      misspelt.spec.template.spec.containers[0].readinesProbe = {};
      expect(validateAgainstSchemas([broken, misspelt])).toEqual([
        expect.objectContaining({
          kind: 'Deployment',
          errors: [expect.stringContaining('must be integer')],
        }),
      ]);
      expect(unknownFields([misspelt]).join('\n')).toContain('\'"readinesProbe"\' does not exist');
    });
  });

  describe.each(['base', 'overlays/development', 'overlays/production'])('%s', (dir) => {
    it('is valid against the Kubernetes API schemas', () => {
      expect(validateAgainstSchemas(render(dir))).toEqual([]);
    });

    it('has no field the Kubernetes API does not know', () => {
      expect(unknownFields(render(dir))).toEqual([]);
    });

    it.each(SERVICES)('runs %s with probes, resources and a safe security context', (service) => {
      const objects = render(dir);
      const object = workload(objects, service);
      const pod = podSpec(object);
      const [container] = pod.containers;
      expect(container.args).toEqual([service]);
      const port = container.ports.find((p: { name: string }) => p.name === 'http');
      expect(port).toBeDefined();
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      for (const kind of ['requests', 'limits']) {
        expect(Object.keys(container.resources[kind]).sort()).toEqual(['cpu', 'memory']);
      }
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(object.spec.replicas).toBeUndefined(); // the HPA owns the number of replicas
    });

    it.each(SERVICES)('has a Service, an HPA and a PDB that find %s', (service) => {
      const objects = render(dir);
      const object = workload(objects, service);
      const podLabels = object.spec.template.metadata.labels as Record<string, string>;
      const matches = (selector: Record<string, string>) =>
        Object.entries(selector).every(([k, v]) => podLabels[k] === v);
      expect(matches(object.spec.selector.matchLabels)).toBe(true);
      const svc = byKind(objects, 'Service').get(service)!;
      expect(matches(svc.spec.selector)).toBe(true);
      expect(svc.spec.ports).toEqual([expect.objectContaining({ targetPort: 'http' })]);
      const hpa = byKind(objects, 'HorizontalPodAutoscaler').get(service)!;
      expect(hpa.spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: WORKLOAD_KIND[service],
        name: service,
      });
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      const pdb = byKind(objects, 'PodDisruptionBudget').get(service)!;
      expect(matches(pdb.spec.selector.matchLabels)).toBe(true);
      if (WORKLOAD_KIND[service] === 'StatefulSet') {
        const headless = byKind(objects, 'Service').get(object.spec.serviceName)!;
        expect(headless.spec.clusterIP).toBe('None');
      }
    });
  });

  describe.each(Object.keys(OVERLAYS) as Overlay[])('overlay %s', (overlay) => {
    const dir = `overlays/${overlay}`;

    it('puts every object in its namespace and runs one pinned image', () => {
      const objects = render(dir);
      const { namespace, tag } = OVERLAYS[overlay];
      for (const o of objects.filter((o) => o.kind !== 'Namespace')) {
        expect(`${o.kind}/${o.metadata.name} ${o.metadata.namespace}`).toBe(
          `${o.kind}/${o.metadata.name} ${namespace}`,
        );
      }
      const images = new Set(
        objects
          .filter((o) => o.spec?.template?.spec?.containers)
          .flatMap((o) => podSpec(o).containers.map((c: Container) => c.image)),
      );
      expect(images.size).toBe(1);
      expect([...images][0]).toMatch(new RegExp(`dock-fleet-cloud:${tag.replace('.', '\\.')}$`));
    });

    it.each(SERVICES)('gives %s a configuration its config schema accepts', (service) => {
      const objects = render(dir);
      const pod = podSpec(workload(objects, service));
      const [container] = pod.containers;
      const env = withMountedFileSamples(pod, container, containerEnv(overlay, objects, container));
      const known = variables(service);
      expect(Object.keys(env).filter((k) => !known.includes(k))).toEqual([]);
      expect(configProblems(service, env)).toEqual([]);
      // The port the probes use is the one the service listens on.
      const port = container.ports.find((p: { name: string }) => p.name === 'http');
      expect(String(port.containerPort)).toBe(env.HTTP_PORT);
      const svc = byKind(objects, 'Service').get(service)!;
      expect(svc.spec.ports[0].port).toBe(Number(env.HTTP_PORT));
    });

    it.each(SERVICES)('lets %s finish its drain before the kill', (service) => {
      const objects = render(dir);
      const pod = podSpec(workload(objects, service));
      const env = containerEnv(overlay, objects, pod.containers[0]);
      const drainMs = Number(env.SHUTDOWN_TIMEOUT_MS ?? 15_000) + PRE_STOP_MS;
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs);
    });

    it('names each gateway replica by its pod name (stable MQTT sessions)', () => {
      const [container] = podSpec(workload(render(dir), 'gateway')).containers;
      expect(container.env).toContainEqual({
        name: 'GATEWAY_INSTANCE_ID',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      });
    });

    it('migrates each service schema with that service’s own settings', () => {
      const objects = render(dir);
      const job = byKind(objects, 'Job').get('db-migrate')!;
      const containers = podSpec(job).containers as Container[];
      // One container for each service with a database, and the migrate program knows each.
      const withDatabase = SERVICES.filter(usesDatabase).sort();
      expect(containers.map((c) => c.args[1]).sort()).toEqual(withDatabase);
      expect(Object.keys(MIGRATIONS).sort()).toEqual(withDatabase);
      for (const c of containers) {
        expect(c.args).toEqual(['migrate', c.name]);
        const service = c.args[1] as ServiceName;
        const serviceEnv = containerEnv(
          overlay,
          objects,
          podSpec(workload(objects, service)).containers[0],
        );
        const jobEnv = containerEnv(overlay, objects, c);
        expect(jobEnv.DATABASE_URL).toBe(serviceEnv.DATABASE_URL);
        // The Job migrates; the service only checks (no DDL rights, no lock queue at start).
        expect(`${service} ${serviceEnv.DATABASE_MIGRATIONS}`).toBe(`${service} skip`);
        expect(migrationTargets([service], jobEnv)).toEqual([
          { service, url: serviceEnv.DATABASE_URL, schema: serviceEnv.DATABASE_SCHEMA ?? service },
        ]);
      }
    });

    it('provisions topics with partitions every consumer group can use', () => {
      const objects = render(dir);
      const job = byKind(objects, 'Job').get('kafka-topics')!;
      const [container] = podSpec(job).containers;
      expect(container.args).toEqual(['provision-topics']);
      const env = containerEnv(overlay, objects, container);
      const { topics } = provisionTopics.loadSettings(env);
      const partitions = new Map(topics.map((t) => [t.topic, t.partitions]));
      for (const service of SERVICES) {
        const hpa = byKind(objects, 'HorizontalPodAutoscaler').get(service)!;
        const usable = Math.max(...CONSUMED_TOPICS[service].map((t) => partitions.get(t)!));
        expect(`${service} max ${hpa.spec.maxReplicas}`).toBe(
          `${service} max ${Math.min(hpa.spec.maxReplicas, usable)}`,
        );
      }
      // Every service points at the same Kafka as the topic Job.
      for (const service of SERVICES) {
        const serviceEnv = containerEnv(
          overlay,
          objects,
          podSpec(workload(objects, service)).containers[0],
        );
        expect(serviceEnv.KAFKA_BROKERS).toBe(env.KAFKA_BROKERS);
      }
    });
  });

  it('commits no Secret for production and only placeholders for development', () => {
    expect(byKind(render('overlays/production'), 'Secret').size).toBe(0);
    for (const [name, data] of secretKeys('development', render('overlays/development'))) {
      for (const [key, value] of Object.entries(data)) {
        const credentialFree = /^redis:\/\/[^:@]+:\d+$/.test(value);
        expect(`${name}.${key}: ${credentialFree || value.includes('placeholder')}`).toBe(
          `${name}.${key}: true`,
        );
      }
    }
  });

  it('lists in the production example every secret a service reads from a Secret', () => {
    const objects = render('overlays/production');
    const listed = secretKeys('production', objects);
    for (const service of SERVICES) {
      const [container] = podSpec(workload(objects, service)).containers;
      const refs = container.envFrom
        .filter((f: Container) => f.secretRef)
        .map((f: Container) => f.secretRef.name as string);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect(`${service} reads ${ref}: ${listed.has(ref)}`).toBe(`${service} reads ${ref}: true`);
        for (const key of Object.keys(listed.get(ref)!)) expect(variables(service)).toContain(key);
      }
    }
  });

  it.each(['overlays/development', 'overlays/production'] as const)(
    'gives the gateway and the registry the DJI licence from Secret dji-cloud-api-licence (%s)',
    (dir) => {
      const overlay = dir.split('/')[1] as Overlay;
      const objects = render(dir);
      // Generated Secrets (development) carry kustomize's content hash in their name.
      const isLicence = (name: string | undefined) =>
        name !== undefined && /^dji-cloud-api-licence(-[a-z0-9]{10})?$/.test(name);
      const licence = [...secretKeys(overlay, objects)].find(([name]) => isLicence(name))?.[1];
      expect(Object.keys(licence ?? {}).sort()).toEqual([
        'DJI_APP_ID',
        'DJI_APP_KEY',
        'DJI_APP_LICENSE',
      ]);
      for (const service of SERVICES) {
        const [container] = podSpec(workload(objects, service)).containers;
        const reads = container.envFrom.some((f: Container) => isLicence(f.secretRef?.name));
        // Only the two services that hand the licence on (docks, remote controllers) get it.
        expect(`${service}: ${reads}`).toBe(
          `${service}: ${service === 'gateway' || service === 'registry'}`,
        );
        const env = containerEnv(overlay, objects, container);
        if (reads) expect(env.DJI_APP_LICENSE).toBe(licence!.DJI_APP_LICENSE);
      }
      // No licence value in any ConfigMap: only the Secret carries it.
      for (const [name, cm] of byKind(objects, 'ConfigMap')) {
        const keys = Object.keys(cm.data ?? {}).filter((k) => k.startsWith('DJI_APP_'));
        expect(`${name}: ${keys.join(',')}`).toBe(`${name}: `);
      }
      // The NTP server comes from the gateway's ConfigMap.
      const gatewayConfig = [...byKind(objects, 'ConfigMap')].find(([name]) =>
        name.startsWith('gateway-config'),
      )![1];
      expect(gatewayConfig.data).toMatchObject({ NTP_SERVER_PORT: '123' });
      expect(Object.keys(gatewayConfig.data ?? {})).toContain('NTP_SERVER_HOST');
    },
  );
});

describe('MQTT over TLS (production overlay and mqtt-tls.example.yaml)', () => {
  const objects = render('overlays/production');
  const pod = podSpec(workload(objects, 'gateway'));
  const [container] = pod.containers;
  const env = containerEnv('production', objects, container);
  const example = parseYamlDocuments(
    readFileSync(path.join(DEPLOY, 'overlays/production/mqtt-tls.example.yaml'), 'utf8'),
  );
  const certificates = byKind(example, 'Certificate');

  it('connects the gateway with mqtts:// and the files of a cert-manager Secret', () => {
    expect(env.MQTT_URL).toMatch(/^mqtts:\/\/[^/]+:8883$/);
    const volume = pod.volumes.find((v: Container) => v.name === 'mqtt-tls');
    const mount = container.volumeMounts.find((m: Container) => m.name === 'mqtt-tls');
    expect(mount.readOnly).toBe(true);
    // cert-manager's key names in the Secret of a Certificate.
    expect([env.MQTT_CA_FILE, env.MQTT_CERT_FILE, env.MQTT_KEY_FILE]).toEqual(
      ['ca.crt', 'tls.crt', 'tls.key'].map((key) => `${mount.mountPath}/${key}`),
    );
    const certificate = [...certificates.values()].find(
      (c) => c.spec.secretName === volume.secret.secretName,
    );
    expect(certificate?.metadata.namespace).toBe(OVERLAYS.production.namespace);
    expect(certificate?.spec.usages).toContain('client auth');
    expect(certificate?.spec.commonName).toBe(env.MQTT_USERNAME);
  });

  it('has EMQX serve mqtts:// on 8883 and wss:// on 8084 with a certificate for that host', () => {
    const [emqx] = byKind(example, 'EMQX').values();
    const config: string = emqx.spec.config.data;
    const listener = (name: string) =>
      new RegExp(`listeners\\.${name}\\.default \\{([^]*?)\\n\\}`).exec(config)?.[1] ?? '';
    expect(listener('ssl')).toContain('bind = "0.0.0.0:8883"');
    expect(listener('wss')).toContain('bind = "0.0.0.0:8084"');
    const core = emqx.spec.coreTemplate.spec;
    const [mount] = core.extraVolumeMounts;
    const secretName = core.extraVolumes.find((v: Container) => v.name === mount.name).secret
      .secretName;
    for (const name of ['ssl', 'wss']) {
      for (const option of ['cacertfile', 'certfile', 'keyfile']) {
        expect(listener(name)).toMatch(new RegExp(`${option} = "${mount.mountPath}/[a-z.]+"`));
      }
    }
    const certificate = certificates.get(secretName)!;
    expect(certificate.spec.secretName).toBe(secretName);
    expect(certificate.metadata.namespace).toBe(emqx.metadata.namespace);
    expect(certificate.spec.usages).toContain('server auth');
    expect(certificate.spec.dnsNames).toContain(new URL(env.MQTT_URL).hostname);
    // The gateway's and the brokers' certificates come from one CA, which each side trusts.
    expect(certificate.spec.issuerRef).toEqual(
      certificates.get('gateway-mqtt-tls')!.spec.issuerRef,
    );
  });
});
