import { randomUUID } from 'node:crypto';
import { buildTopic, TopicFamily } from '@dock/protocol';
import { httpKmzDownloader, KmzDownloader } from '../adapters/kmz-downloader';
import { MediaUploader, s3MediaUploader } from '../adapters/media-uploader';
import { MqttLink } from '../adapters/mqtt-link';
import { TimerHandle, TimerWheel } from '../adapters/timer-wheel';
import { behaviourWith, DockBehaviour } from '../domain/behaviour';
import { DockMachine, DockSnapshot } from '../domain/dock-machine';
import { Effect, Outbound } from '../domain/outbound';
import { encodeUplink } from '../domain/wire-encoding';

/**
 * A dock machine wired to the world: its own MQTT connection, the fleet's shared timer wheel
 * for osd and progress ticks, and an HTTP downloader for the KMZ.
 */

export interface MqttSettings {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** 5 (default) or 4 for MQTT 3.1.1. */
  readonly protocolVersion?: 4 | 5;
  readonly connectTimeoutMs?: number;
  readonly reconnectPeriodMs?: number;
  /** For mqtts:// and wss://: the broker's CA and a client certificate (PEM text). */
  readonly tls?: MqttTlsSettings;
}

export interface MqttTlsSettings {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** Where problems go; the CLI passes a pino logger, tests usually nothing. */
export interface DockLogger {
  warn(object: Record<string, unknown>, message: string): void;
  info?(object: Record<string, unknown>, message: string): void;
}

export interface SimulatedDockOptions {
  readonly sn: string;
  /** Default `${sn}-UAV`. */
  readonly aircraftSn?: string;
  readonly mqtt: MqttSettings;
  readonly behaviour?: Partial<DockBehaviour>;
  /** Share one across docks; a dock created without one gets its own. */
  readonly wheel?: TimerWheel;
  readonly downloader?: KmzDownloader;
  readonly uploader?: MediaUploader;
  readonly logger?: DockLogger;
  /**
   * Called with each message the dock hands to its MQTT link (before wire encoding): a test or
   * benchmark learns when the dock answered, without a broker subscription of its own.
   */
  readonly onPublish?: PublishObserver;
}

/** Sees what a dock publishes: its SN and the message before wire encoding. */
export type PublishObserver = (sn: string, message: Outbound) => void;

export interface SimulatedDock {
  readonly sn: string;
  readonly aircraftSn: string;
  /** Connects (resolves on the first connect and subscribe) and starts the timers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): DockSnapshot;
  /** No task open and no reply awaited. */
  isIdle(): boolean;
  setBattery(percent: number): void;
  readonly publishErrors: number;
}

const DOWNLINK_FAMILIES: TopicFamily[] = [
  'services',
  'events_reply',
  'requests_reply',
  'status_reply',
];

export function createSimulatedDock(options: SimulatedDockOptions): SimulatedDock {
  const behaviour = behaviourWith(options.behaviour);
  const sn = options.sn;
  const aircraftSn = options.aircraftSn ?? `${sn}-UAV`;
  const ownWheel = options.wheel === undefined;
  const wheel = options.wheel ?? new TimerWheel();
  const download = options.downloader ?? httpKmzDownloader();
  const upload = options.uploader ?? s3MediaUploader();
  const machine = new DockMachine({
    sn,
    aircraftSn,
    behaviour,
    newId: randomUUID,
    now: Date.now(),
  });
  const subscriptions = DOWNLINK_FAMILIES.map((family) => {
    const topic = buildTopic(sn, family);
    if (!topic.ok) throw new Error(`invalid dock SN "${sn}": ${topic.error.message}`);
    return topic.value;
  });
  let seq = 0;
  let stopped = false;
  const timers: TimerHandle[] = [];

  const apply = (effects: Effect[]): void => {
    if (stopped) return;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'publish':
          link.publish(encodeUplink(sn, effect.message, { quirks: behaviour.quirks, seq: seq++ }));
          options.onPublish?.(sn, effect.message);
          break;
        case 'defer':
          // Not kept for cancelling: `stopped` already turns a late firing into a no-op.
          wheel.schedule(effect.delayMs, () =>
            apply(machine.handleService(effect.service, Date.now())),
          );
          break;
        case 'download':
          void download(effect.url).then((outcome) => {
            if ('error' in outcome) {
              options.logger?.warn(
                { sn, url: effect.url, error: outcome.error },
                'KMZ download failed',
              );
            }
            apply(machine.downloadFinished(effect.flightId, outcome, Date.now()));
          });
          break;
        case 'upload': {
          // One after another, as a dock's upload queue: each reported once it is stored.
          const { flightId, config, files } = effect;
          const expected = files.length + (behaviour.media?.shortBy ?? 0);
          void (async () => {
            for (const file of files) {
              const outcome = await upload(config, file);
              apply(machine.mediaUploaded(flightId, file, expected, outcome, Date.now()));
            }
          })();
          break;
        }
        case 'disconnect':
          void link.drop();
          break;
        case 'reconnect':
          link.reopen();
          break;
        case 'log':
          if (effect.level === 'warn')
            options.logger?.warn(effect.context ?? { sn }, effect.message);
          else options.logger?.info?.(effect.context ?? { sn }, effect.message);
          break;
      }
    }
  };

  const link = new MqttLink(
    {
      url: options.mqtt.url,
      clientId: sn,
      protocolVersion: options.mqtt.protocolVersion ?? 5,
      subscriptions,
      connectTimeoutMs: options.mqtt.connectTimeoutMs ?? 30_000,
      reconnectPeriodMs: options.mqtt.reconnectPeriodMs ?? 2_000,
      ...(options.mqtt.username === undefined ? {} : { username: options.mqtt.username }),
      ...(options.mqtt.password === undefined ? {} : { password: options.mqtt.password }),
      ...(options.mqtt.tls === undefined ? {} : { tls: options.mqtt.tls }),
    },
    {
      onConnected: () => apply(machine.connected(Date.now())),
      onDisconnected: () => machine.disconnected(),
      onMessage: (topic, payload) => apply(machine.receive(topic, payload, Date.now())),
      onError: (error) => options.logger?.warn({ sn, error: error.message }, 'MQTT error'),
    },
  );

  return {
    sn,
    aircraftSn,
    get publishErrors() {
      return link.publishErrors;
    },
    async start() {
      // Timers first: a dock that cannot connect yet still keeps time (and publishes nothing).
      // Random phases spread a fleet's osd and progress over the interval instead of in bursts.
      timers.push(
        wheel.every(
          behaviour.osdIntervalMs,
          () => apply(machine.osd(Date.now())),
          Math.random() * behaviour.osdIntervalMs,
        ),
        wheel.every(
          behaviour.progressIntervalMs,
          () => apply(machine.tick(Date.now())),
          Math.random() * behaviour.progressIntervalMs,
        ),
      );
      await link.start();
    },
    async stop() {
      stopped = true;
      for (const timer of timers) timer.cancel();
      await link.close();
      if (ownWheel) wheel.stop();
    },
    snapshot: () => machine.snapshot(),
    isIdle: () => machine.isIdle(),
    setBattery: (percent) => machine.setBattery(percent),
  };
}
