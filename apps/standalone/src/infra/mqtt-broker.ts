import { createServer, Server } from 'node:net';
import { createBroker } from 'aedes';
import type Aedes from 'aedes';
import type { Logger } from 'pino';
import type { EmbeddedMqttAccess } from './mqtt-broker-access';
import { MqttPacketSizeGuard } from './mqtt-packet-size';
import { ChosenPort, listenOnPort, PortRequest } from './ports';

/**
 * The embedded mode's MQTT broker: aedes on a plain TCP port. aedes speaks MQTT 3.1.1 only:
 * no shared subscriptions, and QoS 1 messages are acknowledged when they arrive, so the
 * gateway runs with one subscriber connection at MQTT 3.1.1 and GATEWAY_ACK_MODE=on-receipt.
 * Sessions and queued messages live in memory: a restart ends them (docks reconnect and
 * announce themselves again with update_topo). Who may connect, publish and subscribe: the
 * registry's rules, through EmbeddedMqttAccess. A packet larger than MQTT_MAX_PACKET_BYTES
 * closes that client's connection (aedes has no limit of its own); the others go on.
 */
export class EmbeddedMqttBroker {
  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: ChosenPort,
  ) {}

  static async start(
    request: PortRequest,
    logger: Logger,
    access: EmbeddedMqttAccess,
    maxPacketBytes: number,
  ): Promise<EmbeddedMqttBroker> {
    const broker = createBroker({ id: 'dock-fleet-embedded' });
    access.install(broker);
    const log = logger.child({ component: 'mqtt-broker' });
    broker.on('clientError', (client, error) =>
      log.debug({ client: client.id, err: error }, 'MQTT client error'),
    );
    broker.on('connectionError', (client, error) =>
      log.debug({ client: client.id, err: error }, 'MQTT connection error'),
    );
    const server = createServer((socket) => {
      broker.handle(socket);
      // Added after aedes' 'readable' listener, so 'data' sees each chunk aedes reads, before
      // its parser does, and the stream stays in aedes' control.
      const guard = new MqttPacketSizeGuard(maxPacketBytes);
      socket.on('data', (chunk: Buffer) => {
        const size = guard.feed(chunk);
        if (size === undefined) return;
        log.warn(
          { remoteAddress: socket.remoteAddress, packetBytes: size, maxPacketBytes },
          'MQTT packet over MQTT_MAX_PACKET_BYTES: connection closed',
        );
        socket.destroy();
      });
    });
    try {
      const port = await listenOnPort(server, request);
      return new EmbeddedMqttBroker(broker, server, port);
    } catch (error) {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw error;
    }
  }

  get connectedClients(): number {
    return this.broker.connectedClients;
  }

  get listening(): boolean {
    return this.server.listening && !this.broker.closed;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // close() waits for open sockets; the broker has ended its clients already.
    });
  }
}
