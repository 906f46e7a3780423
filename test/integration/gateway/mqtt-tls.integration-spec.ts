// The gateway over mqtts://: a Mosquitto of this test's own with TLS listeners (certificates
// made with openssl now), the broker's CA, a client certificate where the broker requires one,
// and a dock message reaching Kafka; a broker certificate the gateway does not trust, or a
// missing client certificate, is refused with a clear error. Real Kafka and Redis.
import { randomDockLicence } from '../../support/dock-licence';
import mqtt from 'mqtt';
import { Registry } from 'prom-client';
import { createLogger } from '@dock/platform';
import { parseCli } from '../../../apps/dock-simulator/src/cli/parse-args';
import { createSimulatedDock } from '../../../apps/dock-simulator/src';
import { GatewayRuntime } from '../../../apps/gateway/src/gateway-runtime';
import { createGatewayParts } from '../../../apps/gateway/src/gateway-parts';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import { readPem, startTlsMosquitto, TlsMosquitto } from '../../support/tls-mosquitto';
import {
  createTestTopics,
  deleteTestTopics,
  replicaConfig,
  replicaGroup,
} from './support/gateway-harness';
import { KafkaCollector } from './support/kafka-collector';

jest.setTimeout(90_000);

const group = replicaGroup('it-gw-tls', { GATEWAY_MQTT_CONNECTIONS: '2' });
const kafka = new KafkaCollector();
let broker: TlsMosquitto;

/** A replica whose log lines (info and up) the test reads. */
async function startGateway(
  name: string,
  env: Record<string, string>,
): Promise<{ runtime: GatewayRuntime; log: () => string }> {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'gateway-tls-test',
    level: 'info',
    destination: { write: (line: string) => void lines.push(line) },
  });
  const runtime = new GatewayRuntime(
    createGatewayParts({
      // A share group per replica: a stopped one's persistent sessions stay in theirs and would
      // be handed its share of the messages.
      config: replicaConfig(group, name, { GATEWAY_SHARE_GROUP: `${group.run}-${name}`, ...env }),
      logger,
      registry: new Registry(),
      topics: group.topics,
    }),
  );
  running.push(runtime);
  await runtime.start();
  return { runtime, log: () => lines.join('') };
}
const running: GatewayRuntime[] = [];

/** Publishes one dock event over TLS, as a dock would, and returns its SN. */
async function dockEvent(port: number, client: { cert?: string; key?: string } = {}) {
  const sn = `T${group.run}-${port}`.slice(-60);
  const dock = await mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, {
    protocolVersion: 5,
    clientId: uniqueName('it-tls-dock'),
    ca: readPem(broker.pki.caFile),
    ...client,
    reconnectPeriod: 0,
  });
  const payload = JSON.stringify({
    tid: uniqueName('tid'),
    bid: uniqueName('bid'),
    timestamp: Date.now(),
    method: 'flighttask_progress',
    data: {
      result: 0,
      output: { status: 'in_progress', progress: { current_step: 1, percent: 5 } },
    },
  });
  await dock.publishAsync(`thing/product/${sn}/events`, payload, { qos: 1 });
  await dock.endAsync();
  return sn;
}

function mqttCheck(runtime: GatewayRuntime) {
  return runtime.readinessChecks().find((check) => check.name === 'mqtt')!;
}

beforeAll(async () => {
  broker = await startTlsMosquitto();
  await createTestTopics(group.topics);
  await kafka.start([group.topics.uplink.events, group.topics.uplink.status]);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((runtime) => runtime.stop()));
});

afterAll(async () => {
  await kafka.stop();
  await deleteTestTopics(group.topics);
  await broker?.stop();
});

it('carries a dock message to Kafka over mqtts:// with the broker CA', async () => {
  const { runtime, log } = await startGateway('ca', {
    MQTT_URL: `mqtts://127.0.0.1:${broker.tlsPort}`,
    MQTT_CA_FILE: broker.pki.caFile,
  });
  await expect(mqttCheck(runtime).check()).resolves.toBeUndefined();
  expect(log()).toContain('"mqtt":"TLS (own CA)"');

  const sn = await dockEvent(broker.tlsPort);
  await eventually(
    () => expect(kafka.on(group.topics.uplink.events, (r) => r.key === sn)).toHaveLength(1),
    { timeoutMs: 20_000 },
  );
});

it("takes a dock simulator's messages over mqtts:// (--mqtt-ca)", async () => {
  await startGateway('sim', {
    MQTT_URL: `mqtts://127.0.0.1:${broker.tlsPort}`,
    MQTT_CA_FILE: broker.pki.caFile,
    // The simulated dock asks for config first and leaves without a licence, as a real one.
    ...randomDockLicence(),
  });
  const parsed = parseCli([
    `--mqtt-url=mqtts://localhost:${broker.tlsPort}`,
    `--mqtt-ca=${broker.pki.caFile}`,
  ]);
  if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
  const sn = `S${group.run}`.slice(-60);
  const dock = createSimulatedDock({ sn, mqtt: parsed.settings.fleet.mqtt });
  try {
    await dock.start(); // resolves once connected and subscribed over TLS
    // Its update_topo on sys/product/{sn}/status reaches Kafka through the gateway.
    await eventually(
      () => expect(kafka.on(group.topics.uplink.status, (r) => r.key === sn)).not.toHaveLength(0),
      { timeoutMs: 20_000 },
    );
  } finally {
    await dock.stop();
  }
});

it('presents its client certificate to a broker that requires one', async () => {
  const { runtime, log } = await startGateway('mutual', {
    MQTT_URL: `mqtts://localhost:${broker.mutualTlsPort}`,
    MQTT_CA_FILE: broker.pki.caFile,
    MQTT_CERT_FILE: broker.pki.clientCertFile,
    MQTT_KEY_FILE: broker.pki.clientKeyFile,
  });
  await expect(mqttCheck(runtime).check()).resolves.toBeUndefined();

  const sn = await dockEvent(broker.mutualTlsPort, {
    cert: readPem(broker.pki.clientCertFile),
    key: readPem(broker.pki.clientKeyFile),
  });
  await eventually(
    () => expect(kafka.on(group.topics.uplink.events, (r) => r.key === sn)).toHaveLength(1),
    { timeoutMs: 20_000 },
  );
  // The key is read at start and handed to TLS, never written to the log.
  const keyBody = readPem(broker.pki.clientKeyFile).split('\n')[1]!;
  expect(log()).toContain('"mqtt":"TLS (own CA), client certificate"');
  expect(log()).not.toContain(keyBody);
});

it('refuses a broker whose certificate another CA signed, saying what to check', async () => {
  const { runtime, log } = await startGateway('wrong-ca', {
    MQTT_URL: `mqtts://127.0.0.1:${broker.tlsPort}`,
    MQTT_CA_FILE: broker.pki.otherCaFile,
  });
  await expect(mqttCheck(runtime).check()).rejects.toThrow('0 of 2 subscriber connections up');
  await eventually(() =>
    expect(log()).toMatch(
      /"level":"error".*MQTT client error: the broker's certificate is not trusted \([A-Z_]+\): check MQTT_CA_FILE/,
    ),
  );
});

it('is refused by a broker that requires a client certificate when it has none', async () => {
  const { runtime, log } = await startGateway('no-cert', {
    MQTT_URL: `mqtts://127.0.0.1:${broker.mutualTlsPort}`,
    MQTT_CA_FILE: broker.pki.caFile,
  });
  await expect(mqttCheck(runtime).check()).rejects.toThrow('subscriber connections up');
  await eventually(() =>
    expect(log()).toMatch(/MQTT client error: the broker refused the TLS handshake/),
  );
});
