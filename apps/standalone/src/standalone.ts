import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import type { z } from 'zod';
import { DEFAULT_GATEWAY_MQTT_USERNAME, DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { InProcessBus, KafkaBus, MessageBus } from '@dock/kafka';
import { pilotMqttHost } from '@dock/pilot-h5';
import {
  ConfigError,
  createLogger,
  DependencyCheck,
  describeKafkaSecurity,
  kafkaSecurity,
  kafkaSecuritySchema,
  loadConfig,
  Logger,
  parseOrganizationToken,
  PlatformModule,
  postgresCheck,
  setupOpenApi,
  startService,
} from '@dock/platform';
import { alertsConfigSchema, AlertsModule } from '../../alerts/src';
import { createBlobStorage, fileConfigSchema, FileModule } from '../../file/src';
import { mediaConfigSchema, MediaModule, S3StandIn } from '../../media/src';
import {
  gatewayConfigSchema,
  GatewayModule,
  gatewayReadinessChecks,
  MemoryPendingStore,
  onSingleNodeBroker,
  PendingCommand,
  PendingRequest,
} from '../../gateway/src';
import { missionConfigSchema, MissionModule } from '../../mission/src';
import {
  MQTT_ACCESS_SERVICE,
  MqttAccessService,
  PILOT_BOOTSTRAP,
  registryConfigSchema,
  RegistryModule,
  RegistryPilotBootstrap,
} from '../../registry/src';
import { telemetryStartSchema, TelemetryModule, withStreamTicketScheme } from '../../telemetry/src';
import { ConsoleSite, findConsoleDir } from './console/console-site';
import { consoleStatic } from './console/console-static';
import { dockLicence, licenceBanner } from './infra/dev-licence';
import { EmbeddedPostgres } from './infra/embedded-postgres';
import { EmbeddedMqttBroker } from './infra/mqtt-broker';
import { EmbeddedMqttAccess } from './infra/mqtt-broker-access';
import { ChosenPort, choosePort, listenOnPort } from './infra/ports';
import { embeddedApiTokens, EmbeddedApiTokens } from './infra/api-tokens';
import { embeddedSigningKey } from './infra/signing-key';
import { Credentials, CREDENTIALS_FILE, ensureCredentials } from './onboarding';
import {
  dataPaths,
  EmbeddedParts,
  embeddedParts,
  StandaloneConfig,
  standaloneConfigSchema,
} from './standalone.config';

/** Connections per service to the embedded PostgreSQL (serialised anyway; migrations need 2). */
const EMBEDDED_POOL_SIZE = 3;
/** The services with a database (each gets its own embedded one). */
const DATABASES = ['mission', 'telemetry', 'file', 'registry', 'alerts', 'media'] as const;
/** The embedded media store's bucket and region (any S3 client takes them as given). */
const MEDIA_BUCKET = 'dock-media';
const MEDIA_REGION = 'us-east-1';

export const STANDALONE_OPENAPI_INFO = {
  title: 'Dock fleet cloud (all services)',
  description:
    'The HTTP API of the four services in one place, as the embedded mode (`npm start`) serves ' +
    'it: missions (/tasks, /plans, /commands, /docks/{sn}/...), telemetry (/flights/{id}, ' +
    '/docks, /stream), waylines and downloads (/waylines, /flights/{id}/wayline, /downloads), ' +
    'organizations, binding codes and devices (/organizations, /devices/{sn}). ' +
    'The paths are the same as each service serves on its own, so the same clients work.',
  version: '1',
};

export interface StandaloneOptions {
  readonly env?: Record<string, string | undefined>;
  /** Where the banner goes (default stdout). */
  readonly print?: (text: string) => void;
}

export interface RunningStandalone {
  readonly app: INestApplication;
  readonly httpPort: number;
  readonly httpUrl: string;
  /** The broker docks connect to (the embedded one, or MQTT_URL). */
  readonly mqttUrl: string;
  readonly mqttPort: number | undefined;
  /** Where docks upload media: the embedded S3 endpoint, or MEDIA_STORAGE_ENDPOINT. */
  readonly mediaStorageUrl: string | undefined;
  readonly dataDir: string;
  readonly parts: EmbeddedParts;
  readonly authDisabled: boolean;
  /** The default organization's API token (also in DATA_DIR/credentials.json), if it has one. */
  readonly apiToken: string | undefined;
  /** An admin token (ADMIN_API_TOKENS): organization management. */
  readonly adminToken: string | undefined;
  /** The operator console served at `/` (dir null: not built, `/` says how to build it). */
  readonly console: ConsoleSite;
  /** Resolves if an embedded part the services cannot run without stopped (its thread died). */
  readonly failed: Promise<Error>;
  /** Stops the services (draining), then the embedded parts. Safe to call twice. */
  shutdown(reason: string): Promise<void>;
}

/** Start refused for a reason the user can fix (exit code 78 from main). */
export class StandaloneConfigError extends Error {}

@Module({})
class StandaloneModule {
  static register(logger: Logger, checks: DependencyCheck[], services: DynamicModule[]) {
    return {
      module: StandaloneModule,
      imports: [PlatformModule.forRoot({ service: 'dock-fleet', logger, checks }), ...services],
    };
  }
}

/**
 * The whole system in one process: the four services' Nest modules in one app on one HTTP
 * port, with embedded stand-ins for whatever infrastructure has no URL set (an MQTT broker,
 * PostgreSQL, the message bus, the gateway's pending-call store).
 */
export async function startStandalone(options: StandaloneOptions = {}): Promise<RunningStandalone> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const config = load('embedded mode', standaloneConfigSchema, env);
  const logger = createLogger({ service: 'dock-fleet', level: config.LOG_LEVEL });
  const parts = embeddedParts(config);
  const paths = dataPaths(config);
  const site: ConsoleSite = {
    dir: findConsoleDir(config.CONSOLE_DIR),
    tileUrl: config.CONSOLE_TILE_URL ?? null,
  };
  if (config.CONSOLE_DIR && !site.dir) {
    throw new StandaloneConfigError(
      `CONSOLE_DIR: no index.html in ${config.CONSOLE_DIR} (build the console: npm run build)`,
    );
  }
  const closers: { name: string; close: () => Promise<void> }[] = [];
  const closeAll = async (): Promise<void> => {
    for (const closer of closers.splice(0).reverse()) {
      await withTimeout(closer.close(), config.EMBEDDED_CLOSE_TIMEOUT_MS).catch((error: unknown) =>
        logger.warn({ err: error, part: closer.name }, 'did not close cleanly'),
      );
    }
  };

  try {
    await mkdir(paths.root, { recursive: true });
    const unlock = await lockDataDir(paths.root);
    closers.push({ name: 'data directory lock', close: unlock });

    const http = await choosePort({
      what: 'HTTP',
      variable: 'HTTP_PORT',
      explicit: isSet(env.HTTP_PORT) ? config.HTTP_PORT : undefined,
      fallback: 3000,
      host: '0.0.0.0',
    });

    let broker: EmbeddedMqttBroker | undefined;
    // The gateway's service account on the embedded broker: a new password at every start,
    // in memory only (the gateway runs in this process).
    const gatewayAccount = {
      username: DEFAULT_GATEWAY_MQTT_USERNAME,
      password: randomBytes(24).toString('base64url'),
    };
    const mqttAccess = new EmbeddedMqttAccess(
      { gateway: gatewayAccount, allowAnonymous: config.MQTT_ALLOW_ANONYMOUS },
      logger.child({ component: 'mqtt-access' }),
    );
    if (parts.mqtt) {
      broker = await EmbeddedMqttBroker.start(
        {
          what: 'MQTT',
          variable: 'MQTT_PORT',
          explicit: isSet(env.MQTT_PORT) ? config.MQTT_PORT : undefined,
          fallback: 1883,
          host: '0.0.0.0',
        },
        logger,
        mqttAccess,
        config.MQTT_MAX_PACKET_BYTES,
      );
      const started = broker;
      closers.push({ name: 'MQTT broker', close: () => started.close() });
    }

    // Media: an S3-compatible endpoint of its own (STS + SigV4, prefix-scoped temporary keys)
    // unless MEDIA_STORAGE_ENDPOINT points at real storage. Its root key lives in this process.
    let mediaStore: { port: ChosenPort; env: Record<string, string> } | undefined;
    if (!isSet(env.MEDIA_STORAGE_ENDPOINT)) {
      const root = {
        id: `EMBEDDED${randomBytes(8).toString('hex').toUpperCase()}`,
        secret: randomBytes(30).toString('base64url'),
      };
      const standIn = new S3StandIn({
        directory: paths.media,
        bucket: MEDIA_BUCKET,
        region: MEDIA_REGION,
        rootAccessKeyId: root.id,
        rootSecretAccessKey: root.secret,
        logger: logger.child({ component: 's3-stand-in' }),
      });
      const port = await listenOnPort(await standIn.createServer(), {
        what: 'media storage (S3)',
        variable: 'MEDIA_S3_PORT',
        explicit: isSet(env.MEDIA_S3_PORT) ? config.MEDIA_S3_PORT : undefined,
        fallback: 9000,
        host: '0.0.0.0',
      });
      closers.push({ name: 'media storage', close: () => standIn.stop() });
      mediaStore = {
        port,
        env: {
          MEDIA_STORAGE_PROVIDER: 'minio',
          MEDIA_STORAGE_ENDPOINT: `http://127.0.0.1:${port.port}`,
          MEDIA_STORAGE_PUBLIC_ENDPOINT:
            env.MEDIA_STORAGE_PUBLIC_ENDPOINT ?? `http://127.0.0.1:${port.port}`,
          MEDIA_STORAGE_BUCKET: MEDIA_BUCKET,
          MEDIA_STORAGE_REGION: MEDIA_REGION,
          MEDIA_STORAGE_ACCESS_KEY_ID: root.id,
          MEDIA_STORAGE_SECRET_ACCESS_KEY: root.secret,
          MEDIA_UPLOAD_CREDENTIALS: 'sts',
        },
      };
    }

    let postgres: EmbeddedPostgres | undefined;
    if (parts.database) {
      postgres = await EmbeddedPostgres.start(paths.postgres, DATABASES, logger);
      const started = postgres;
      closers.push({ name: 'PostgreSQL', close: () => started.close() });
    }

    // The services share this bus, so it takes the same TLS/SASL settings they would.
    const kafka = kafkaSecurity(load('embedded mode', kafkaSecuritySchema, env));
    const bus: MessageBus = parts.bus
      ? await InProcessBus.open({
          dataDir: paths.bus,
          logger: logger.child({ component: 'bus' }),
          retentionMs: config.BUS_RETENTION_HOURS * 60 * 60 * 1000,
          maxRecordsPerPartition: config.BUS_MAX_RECORDS_PER_PARTITION,
        })
      : KafkaBus.fromSettings({
          brokers: (config.KAFKA_BROKERS ?? '').split(',').map((broker) => broker.trim()),
          clientId: 'dock-fleet',
          logger,
          ...kafka,
        });
    closers.push({ name: 'message bus', close: () => bus.close() });

    const tokens = await apiTokensOf(config, paths.root);
    const authDisabled = env.AUTH_DISABLED === 'true';
    const httpUrl = `http://127.0.0.1:${http.port}`;
    const mqttUrl = config.MQTT_URL ?? `mqtt://127.0.0.1:${broker?.port.port ?? 1883}`;
    const databaseUrl = (service: string): string | undefined =>
      config.DATABASE_URL ?? postgres?.url(service);
    const serviceEnv: Record<string, string | undefined> = {
      ...env,
      HTTP_PORT: String(http.port),
      LOG_LEVEL: config.LOG_LEVEL,
      MQTT_URL: mqttUrl,
      ...(parts.mqtt
        ? { MQTT_USERNAME: gatewayAccount.username, MQTT_PASSWORD: gatewayAccount.password }
        : {}),
      AUTH_DISABLED: authDisabled ? 'true' : env.AUTH_DISABLED,
      // The services refuse AUTH_DISABLED unless NODE_ENV=development is set explicitly.
      API_TOKENS: tokens.apiTokens,
      ADMIN_API_TOKENS: tokens.adminTokens,
      FILE_STORAGE_DIR: env.FILE_STORAGE_DIR ?? paths.files,
      FILE_SERVICE_URL: env.FILE_SERVICE_URL ?? httpUrl,
      // The mission service asks the file service in a task's organization: an admin token.
      FILE_SERVICE_TOKEN: env.FILE_SERVICE_TOKEN ?? tokens.admin,
      FILE_URL_SIGNING_KEY: env.FILE_URL_SIGNING_KEY ?? (await embeddedSigningKey(paths.root)),
    };
    const envOf = (service: string) => ({ ...serviceEnv, DATABASE_URL: databaseUrl(service) });
    const licence = await dockLicence(paths.root, env);
    const gatewayEnv = { ...serviceEnv, ...licence.gatewayEnv };
    const gatewayLoaded = load('gateway', gatewayConfigSchema, gatewayEnv);
    // aedes: MQTT 3.1.1, no $share, acknowledgement on receipt, one connection.
    const gatewayConfig = parts.mqtt ? onSingleNodeBroker(gatewayLoaded) : gatewayLoaded;
    const missionConfig = load('mission', missionConfigSchema, envOf('mission'));
    const telemetryConfig = load('telemetry', telemetryStartSchema, envOf('telemetry'));
    const fileConfig = load('file', fileConfigSchema, envOf('file'));
    const registryConfig = load('registry', registryConfigSchema, {
      ...envOf('registry'),
      ...pilotAccessEnv(env, licence.gatewayEnv, mqttUrl, httpUrl),
    });
    const alertsConfig = load('alerts', alertsConfigSchema, envOf('alerts'));
    const mediaConfig = load('media', mediaConfigSchema, {
      ...envOf('media'),
      ...mediaStore?.env,
      MEDIA_URL_SIGNING_KEY: env.MEDIA_URL_SIGNING_KEY ?? serviceEnv.FILE_URL_SIGNING_KEY,
      MEDIA_PUBLIC_BASE_URL: env.MEDIA_PUBLIC_BASE_URL ?? httpUrl,
    });

    // Readiness: every embedded part and every service's own connections.
    const gatewayChecks = gatewayReadinessChecks({
      bus: bus.kind,
      pendingStore: parts.pendingStore ? 'memory' : 'redis',
    });
    const databases = (config.DATABASE_URL ? ['shared'] : DATABASES).map((service) => {
      const probe = postgresCheck(
        config.DATABASE_URL ?? (postgres as EmbeddedPostgres).url(service),
      );
      closers.push({ name: 'readiness probe', close: () => probe.close() });
      return { name: `postgres-${service}`, check: () => probe.check() };
    });
    const storage = createBlobStorage(fileConfig);
    const checks: DependencyCheck[] = [
      ...gatewayChecks,
      ...databases,
      { name: 'storage', check: () => storage.check() },
      ...(broker ? [brokerCheck(broker)] : []),
      // In-process: the log's data directory; Kafka: the cluster and this process's consumers.
      { name: bus.kind === 'in-process' ? 'bus-log' : 'kafka-bus', check: () => bus.check() },
    ];

    const poolSize = parts.database ? EMBEDDED_POOL_SIZE : undefined;
    const shared = { bus, platform: false, databasePoolSize: poolSize };
    const serviceLogger = (service: string): Logger =>
      createLogger({ service, level: config.LOG_LEVEL });
    const services = [
      GatewayModule.register(gatewayConfig, serviceLogger('gateway'), gatewayChecks, {
        bus,
        platform: false,
        pendingStores: parts.pendingStore ? memoryPendingStores(gatewayConfig) : undefined,
      }),
      FileModule.register(fileConfig, serviceLogger('file'), [], shared),
      TelemetryModule.register(telemetryConfig, serviceLogger('telemetry'), [], shared),
      MissionModule.register(missionConfig, serviceLogger('mission'), [], shared),
      RegistryModule.register(registryConfig, serviceLogger('registry'), [], shared),
      AlertsModule.register(alertsConfig, serviceLogger('alerts'), [], shared),
      MediaModule.register(mediaConfig, serviceLogger('media'), [], shared),
    ];

    const running = await startService({
      module: StandaloneModule.register(logger, checks, services),
      logger,
      httpPort: http.port,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      metricsPort: config.METRICS_PORT,
      handleSignals: false,
      configure: (app) => {
        // The operator console at / (only its own paths: the API routes keep theirs).
        app.use(consoleStatic(site));
        // The telemetry routes' live stream takes a ticket scheme the decorators cannot declare.
        setupOpenApi(app, STANDALONE_OPENAPI_INFO, withStreamTicketScheme);
      },
    });

    let stopping: Promise<void> | undefined;
    const standalone: RunningStandalone = {
      app: running.app,
      httpPort: running.port,
      httpUrl: `http://127.0.0.1:${running.port}`,
      mqttUrl,
      mqttPort: broker?.port.port,
      mediaStorageUrl: mediaStore?.env.MEDIA_STORAGE_PUBLIC_ENDPOINT ?? env.MEDIA_STORAGE_ENDPOINT,
      dataDir: paths.root,
      parts,
      authDisabled,
      apiToken: tokens.organization,
      adminToken: tokens.admin,
      console: site,
      failed: postgres?.crashed ?? new Promise<Error>(() => undefined),
      shutdown: (reason) => {
        stopping ??= running.shutdown(reason).finally(closeAll);
        return stopping;
      },
    };
    mqttAccess.bind(running.app.get<MqttAccessService>(MQTT_ACCESS_SERVICE, { strict: false }));
    const onboarding = await ensureCredentials(running.app, paths.root, {
      url: standalone.httpUrl,
      token: tokens.organization,
      mqttUrl,
    }).catch(async (error: unknown) => {
      await running.shutdown('onboarding failed');
      throw error;
    });
    const { mqtt } = onboarding.credentials;
    if (mqtt && !isSet(env.PILOT_MQTT_USERNAME)) {
      // The Pilot 2 page hands the default organization's controllers its credential.
      running.app
        .get<RegistryPilotBootstrap>(PILOT_BOOTSTRAP, { strict: false })
        .useMqttLogin(onboarding.credentials.organization.id, mqtt);
    }
    print(
      banner(
        standalone,
        config,
        http,
        broker?.port,
        postgres,
        describeKafkaSecurity(kafka),
        mediaStore?.port,
      ),
    );
    print(licenceBanner(licence, env));
    print(
      onboardingBanner(
        onboarding.credentials,
        onboarding.file,
        parts.mqtt ? gatewayAccount.username : undefined,
        onboarding.mqttIssued,
      ),
    );
    print(tokensBanner(tokens, onboarding.file));
    return standalone;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The Pilot 2 access page's settings in the embedded mode: the dock licence (the development one
 * unless configured), the broker and this HTTP port, unless PILOT_MQTT_URL / PUBLIC_API_URL are
 * set (a remote controller needs this machine's address, not 127.0.0.1).
 */
function pilotAccessEnv(
  env: Record<string, string | undefined>,
  licenceEnv: Readonly<Record<string, string>>,
  mqttUrl: string,
  httpUrl: string,
): Record<string, string | undefined> {
  let brokerForPilot: string | undefined;
  try {
    brokerForPilot = pilotMqttHost(mqttUrl);
  } catch {
    // A TLS-only external broker: Pilot cannot use it; the page's bootstrap names PILOT_MQTT_URL.
    brokerForPilot = undefined;
  }
  return {
    ...licenceEnv,
    PILOT_MQTT_URL: isSet(env.PILOT_MQTT_URL) ? env.PILOT_MQTT_URL : brokerForPilot,
    PUBLIC_API_URL: isSet(env.PUBLIC_API_URL) ? env.PUBLIC_API_URL : httpUrl,
  };
}

function memoryPendingStores(config: z.infer<typeof gatewayConfigSchema>) {
  const settings = {
    leaseMs: config.GATEWAY_CLAIM_LEASE_MS,
    instanceId: config.GATEWAY_INSTANCE_ID,
  };
  return {
    commands: new MemoryPendingStore<PendingCommand>(settings),
    requests: new MemoryPendingStore<PendingRequest>(settings),
  };
}

function brokerCheck(broker: EmbeddedMqttBroker): DependencyCheck {
  return {
    name: 'mqtt-broker',
    check: async () => {
      if (!broker.listening) throw new Error('the embedded MQTT broker is not listening');
    },
  };
}

function load<S extends z.ZodTypeAny>(
  what: string,
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new StandaloneConfigError(`${what}: ${error.message}`);
    }
    throw error;
  }
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/** One process per data directory: PGlite and the bus log must not have two writers. */
async function lockDataDir(root: string): Promise<() => Promise<void>> {
  const file = path.join(root, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new StandaloneConfigError(
          `the data directory ${root} is in use by process ${pid}; stop it, or give this one ` +
            'another DATA_DIR',
        );
      }
      await rm(file, { force: true }); // left by a process that is gone
    }
  }
  throw new StandaloneConfigError(`could not lock the data directory ${root}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function banner(
  running: RunningStandalone,
  config: StandaloneConfig,
  http: ChosenPort,
  mqtt: ChosenPort | undefined,
  postgres: EmbeddedPostgres | undefined,
  kafkaSecurityText: string,
  mediaPort: ChosenPort | undefined,
): string {
  const moved = (port: ChosenPort, variable: string): string =>
    port.movedFrom === undefined
      ? ''
      : `   <- ${port.movedFrom} was taken, so ${port.port} (set ${variable} to choose)`;
  const { parts } = running;
  const lines = [
    '',
    'dock-fleet-cloud is up: gateway, mission, telemetry, file, registry, alerts and media in one process.',
    '',
    running.console.dir
      ? `  console        open http://localhost:${running.httpPort}  (map tiles ${running.console.tileUrl ? 'on' : 'off: CONSOLE_TILE_URL'})`
      : `  console        not built (npm run build), then open http://localhost:${running.httpPort}`,
    `  HTTP API       ${running.httpUrl}${moved(http, 'HTTP_PORT')}`,
    `  API docs       ${running.httpUrl}/docs`,
    `  readiness      ${running.httpUrl}/health/ready`,
    mediaPort
      ? `  media storage  ${running.mediaStorageUrl}  (embedded S3-compatible endpoint, STS + SigV4)${moved(mediaPort, 'MEDIA_S3_PORT')}`
      : `  media storage  ${running.mediaStorageUrl}  (MEDIA_STORAGE_ENDPOINT)`,
    parts.mqtt && mqtt
      ? `  MQTT (docks)   mqtt://<this machine>:${mqtt.port}  (MQTT 3.1.1, embedded broker)${moved(mqtt, 'MQTT_PORT')}`
      : `  MQTT (docks)   ${running.mqttUrl}  (external broker, MQTT_URL)`,
    postgres
      ? `  PostgreSQL     embedded (PGlite), one per service: ${postgres.names
          .map((name) => `${name} ${postgres.url(name)}`)
          .join(', ')}`
      : '  PostgreSQL     DATABASE_URL (a schema per service)',
    parts.bus
      ? `  message bus    in-process, log in ${path.join(running.dataDir, 'bus')}`
      : `  message bus    Kafka at ${config.KAFKA_BROKERS} (${kafkaSecurityText})`,
    parts.pendingStore ? '  pending calls  in memory' : '  pending calls  Redis (REDIS_URL)',
    `  data           ${running.dataDir}`,
    running.authDisabled
      ? '  auth           OFF: AUTH_DISABLED=true (NODE_ENV=development): the API accepts every request'
      : "  auth           on: Authorization: Bearer <token> (an organization's, or an admin token)",
    '',
    'Point a dock or the simulator at it:',
    // The embedded broker wants an MQTT login: the simulator reads it from credentials.json.
    `  npm run simulate -- --mqtt-url ${running.mqttUrl}${parts.mqtt ? ` --mqtt-version 3.1.1 --credentials ${shownPath(path.join(running.dataDir, CREDENTIALS_FILE))}` : ''} --docks 2 --speed 10`,
    parts.mqtt
      ? `  a real dock: MQTT host = this machine's address, port ${mqtt?.port ?? 1883}, MQTT 3.1.1; set` +
        ` FILE_PUBLIC_BASE_URL=http://<this machine>:${running.httpPort} so it can download waylines`
      : '',
    // A remote controller joins through the Pilot 2 access page (Cloud Service, Open Platforms).
    `  a remote controller: Pilot 2 -> Cloud Service -> Open Platforms -> http://<this machine>:${running.httpPort}/pilot` +
      ' (set PILOT_MQTT_URL and PUBLIC_API_URL to addresses it reaches)',
    '  a flight of each kind with simulated docks: npm run demo',
    '',
    `Logs at ${config.LOG_LEVEL} (LOG_LEVEL=info for more). Ctrl-C stops.`,
    '',
  ];
  return `${lines.filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n')}\n`;
}

/** The API tokens in use: the generated ones shown on the start that made them, and only then. */
function tokensBanner(tokens: StandaloneTokens, credentialsFile: string): string {
  if (tokens.generated === undefined) {
    return 'API tokens: API_TOKENS / ADMIN_API_TOKENS as configured.\n';
  }
  if (!tokens.generated.created) {
    return [
      `API tokens: kept in ${tokens.generated.file} (0600); the default organization's is also in`,
      `  ${credentialsFile}. Rotate: stop, delete ${tokens.generated.file}, start.`,
      '',
    ].join('\n');
  }
  return [
    'API tokens (generated now and shown this once; kept in DATA_DIR, 0600):',
    tokens.generatedOrganization
      ? `  organization   ${tokens.generated.organization}  (default organization; also in ${credentialsFile})`
      : '  organization   API_TOKENS as configured',
    tokens.adminTokens === tokens.generated.admin
      ? `  admin          ${tokens.generated.admin}  (organization management)`
      : '  admin          ADMIN_API_TOKENS as configured',
    `  saved in       ${tokens.generated.file}`,
    '',
  ].join('\n');
}

interface StandaloneTokens {
  /** API_TOKENS for the services: the operator's, or the default organization's generated one. */
  readonly apiTokens: string;
  /** ADMIN_API_TOKENS for the services. */
  readonly adminTokens: string;
  /** The default organization's token, for credentials.json (undefined: none configured). */
  readonly organization: string | undefined;
  /** An admin token (the first of ADMIN_API_TOKENS). */
  readonly admin: string | undefined;
  /** The DATA_DIR tokens, when the operator did not configure both kinds. */
  readonly generated: EmbeddedApiTokens | undefined;
  /** The default organization's token is the generated one (API_TOKENS unset). */
  readonly generatedOrganization: boolean;
}

/**
 * The embedded mode's API tokens: API_TOKENS and ADMIN_API_TOKENS when the operator set them
 * (the services validate them), else the ones generated in DATA_DIR on the first start (the
 * default organization's and an admin token), so `npm start` needs no configuration and the
 * API is never open.
 */
async function apiTokensOf(config: StandaloneConfig, dataDir: string): Promise<StandaloneTokens> {
  const configured = (config.API_TOKENS ?? '').trim();
  const configuredAdmin = (config.ADMIN_API_TOKENS ?? '').trim();
  const generated = configured && configuredAdmin ? undefined : await embeddedApiTokens(dataDir);
  const apiTokens = configured || `${DEFAULT_ORGANIZATION_ID}:${generated?.organization}`;
  const adminTokens = configuredAdmin || (generated?.admin ?? '');
  const ofDefault = apiTokens
    .split(',')
    .map((entry) => parseOrganizationToken(entry.trim()))
    .find((parsed) => parsed.ok && parsed.value.organizationId === DEFAULT_ORGANIZATION_ID);
  return {
    apiTokens,
    adminTokens,
    organization: ofDefault?.ok ? ofDefault.value.token : undefined,
    admin: adminTokens.split(',')[0]?.trim() || undefined,
    generated,
    generatedOrganization: !configured,
  };
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** What an operator types into Pilot 2 to bind a dock to this cloud. */
function onboardingBanner(
  credentials: Credentials,
  file: string,
  gatewayUsername: string | undefined,
  /** The MQTT password is a secret: printed when issued (this start), never again. */
  mqttIssued: boolean,
): string {
  const { organization, mqtt } = credentials;
  const login = (m: { username: string; password: string }): string =>
    mqttIssued
      ? `  MQTT login     ${m.username} / ${m.password}  (shown this once)`
      : `  MQTT login     ${m.username}  (its password: mqtt.password in ${file})`;
  return [
    'Bind a dock (Pilot 2: organization ID and device binding code, MQTT username and password):',
    `  organization   ${organization.id}  (${organization.name})`,
    `  binding code   ${organization.binding_code}`,
    ...(mqtt ? [login(mqtt)] : []),
    ...(gatewayUsername
      ? [
          `  gateway        MQTT service account ${gatewayUsername} (password new at each start, in memory)`,
        ]
      : []),
    `  saved in       ${file}`,
    '',
  ].join('\n');
}
