import {
  buildEventsReply,
  buildRequestsReply,
  buildServiceCommand,
  buildStatusReply,
  normaliseUplink,
  NormalisedMessage,
  RequestsReplyData,
  ServiceDataMap,
  ServiceMethod,
} from '@dock/protocol';
import { behaviourWith, DockBehaviour } from '../behaviour';
import { DockMachine } from '../dock-machine';
import { Effect, Outbound } from '../outbound';
import { encodeUplink } from '../wire-encoding';

/**
 * Drives one DockMachine in unit tests the way the adapters do, with a hand-moved clock. Every
 * message the dock publishes is wire-encoded and read back with the protocol library's
 * normaliseUplink, so a test fails if the simulator ever sends what a gateway must refuse.
 */
export class Harness {
  readonly sn = 'SIMDOCK001';
  readonly machine: DockMachine;
  now = 1_750_000_000_000;
  readonly effects: Effect[] = [];
  readonly sent: NormalisedMessage[] = [];
  private seq = 0;
  private ids = 0;

  constructor(readonly behaviour: DockBehaviour = behaviourWith({ speed: 100 })) {
    this.machine = new DockMachine({
      sn: this.sn,
      aircraftSn: `${this.sn}-UAV`,
      behaviour,
      newId: () => `id-${++this.ids}`,
      now: this.now,
    });
  }

  /**
   * Connects and onboards: answers config with a licence and airport_bind_status with "bound",
   * as a cloud with a registry would, so the dock owes nothing and goes on to fly.
   */
  connect(): this {
    this.connectOnly();
    this.answerConfig();
    this.answerRequest('airport_bind_status', boundReply(this.sn, `${this.sn}-UAV`));
    return this;
  }

  /** The last update_topo the dock published. */
  topo(): NormalisedMessage {
    const found = this.sent.filter((m) => m.method === 'update_topo').at(-1);
    if (!found) throw new Error('no update_topo');
    return found;
  }

  /** Connects only: the dock sends config and waits for the reply. */
  connectOnly(): this {
    this.take(this.machine.connected(this.now));
    return this;
  }

  /** The last request with `method` the dock published. */
  request(method: string): NormalisedMessage {
    const found = this.sent.filter((m) => m.family === 'requests' && m.method === method).at(-1);
    if (!found) throw new Error(`no ${method} request`);
    return found;
  }

  /** Answers the dock's last config request, as a gateway would. */
  answerConfig(data: RequestsReplyData = TEST_LICENCE): Effect[] {
    return this.answerRequest('config', data);
  }

  /** Answers the dock's last request of `method` with `data` (built by the protocol library). */
  answerRequest(method: string, data: RequestsReplyData): Effect[] {
    const built = buildRequestsReply(this.request(method), this.now, data);
    if (!built.ok) throw new Error(built.error.message);
    return this.raw(built.message.topic, built.message.payload);
  }

  /** Sends a command as the cloud would (built with the protocol library). */
  service<M extends ServiceMethod>(method: M, data: ServiceDataMap[M], tid = `cmd-${++this.ids}`) {
    const built = buildServiceCommand({
      gatewaySn: this.sn,
      tid,
      bid: `bid-${tid}`,
      timestamp: this.now,
      method,
      data,
    });
    if (!built.ok) throw new Error(built.error.message);
    return this.raw(built.message.topic, built.message.payload);
  }

  /** A command the protocol library would refuse to build: for the dock's refusals. */
  rawService(method: string, data: unknown, tid: string): Effect[] {
    const envelope = { tid, bid: `bid-${tid}`, timestamp: this.now, method, data };
    return this.raw(`thing/product/${this.sn}/services`, JSON.stringify(envelope));
  }

  raw(topic: string, payload: string): Effect[] {
    return this.take(this.machine.receive(topic, payload, this.now));
  }

  /** The services_reply answering `tid`. */
  replyTo(tid: string): NormalisedMessage {
    const reply = this.sent.find((m) => m.family === 'services_reply' && m.tid === tid);
    if (!reply) throw new Error(`no services_reply for ${tid}`);
    return reply;
  }

  advance(ms: number, stepMs = this.behaviour.progressIntervalMs): Effect[] {
    const produced: Effect[] = [];
    for (let t = 0; t < ms; t += stepMs) {
      this.now += Math.min(stepMs, ms - t);
      produced.push(...this.take(this.machine.tick(this.now)));
    }
    return produced;
  }

  /** Ticks until `predicate` holds on a published message (bounded). */
  advanceUntil(predicate: (m: NormalisedMessage) => boolean, maxMs = 3_600_000): NormalisedMessage {
    const start = this.sent.length;
    for (let elapsed = 0; elapsed < maxMs; elapsed += this.behaviour.progressIntervalMs) {
      this.advance(this.behaviour.progressIntervalMs);
      const found = this.sent.slice(start).find(predicate);
      if (found) return found;
    }
    throw new Error('condition never met');
  }

  events(method: string): NormalisedMessage[] {
    return this.sent.filter((m) => m.family === 'events' && m.method === method);
  }

  progress(): {
    status: string;
    step: number;
    percent: number;
    result: number;
    raw: NormalisedMessage;
  }[] {
    return this.events('flighttask_progress').map((m) => {
      const data = m.data as {
        result: number;
        output: { status: string; progress: { current_step: number; percent: number } };
      };
      return {
        status: data.output.status,
        step: data.output.progress.current_step,
        percent: data.output.progress.percent,
        result: data.result,
        raw: m,
      };
    });
  }

  answerEvent(message: NormalisedMessage): void {
    const built = buildEventsReply(message, this.now);
    if (!built.ok) throw new Error(built.error.message);
    this.raw(built.message.topic, built.message.payload);
  }

  answerStatus(message: NormalisedMessage): void {
    const built = buildStatusReply(message, this.now);
    if (!built.ok) throw new Error(built.error.message);
    this.raw(built.message.topic, built.message.payload);
  }

  answerResource(
    request: NormalisedMessage,
    url: string,
    fingerprint: string,
    result = 0,
  ): Effect[] {
    const built = buildRequestsReply(
      request,
      this.now,
      result === 0 ? { result, output: { file: { url, fingerprint } } } : { result },
    );
    if (!built.ok) throw new Error(built.error.message);
    return this.raw(built.message.topic, built.message.payload);
  }

  download(flightId: string, outcome: { md5?: string; error?: string }): Effect[] {
    return this.take(this.machine.downloadFinished(flightId, outcome, this.now));
  }

  take(effects: Effect[]): Effect[] {
    for (const effect of effects) {
      this.effects.push(effect);
      if (effect.kind === 'publish') this.sent.push(this.normalise(effect.message));
    }
    return effects;
  }

  private normalise(message: Outbound): NormalisedMessage {
    const wire = encodeUplink(this.sn, message, { quirks: this.behaviour.quirks, seq: this.seq++ });
    const result = normaliseUplink(wire.topic, wire.payload);
    if (!result.ok) {
      throw new Error(
        `the dock sent what a gateway must refuse: ${result.error.message}\n${wire.payload}`,
      );
    }
    return result.message;
  }
}

/** A config reply with a licence (test values, not secrets). */
export const TEST_LICENCE = {
  ntp_server_host: 'ntp.test',
  ntp_server_port: 123,
  app_id: 'test-app',
  app_key: 'test-key',
  app_license: 'test-licence',
};

/** airport_bind_status answered "bound to North" for both devices. */
export function boundReply(...sns: string[]): RequestsReplyData {
  return {
    result: 0,
    output: {
      bind_status: sns.map((sn) => ({
        sn,
        is_device_bind_organization: true,
        organization_id: 'org-1',
        organization_name: 'North',
        device_callsign: sn,
      })),
    },
  };
}

/** MD5 of the KMZ served in the tests. */
export const GOOD_MD5 = '0123456789abcdef0123456789abcdef';

export function prepareData(
  flightId: string,
  now: number,
  overrides: Partial<ServiceDataMap['flighttask_prepare']> = {},
) {
  return {
    flight_id: flightId,
    task_type: 0 as const,
    execute_time: now,
    wayline_type: 0 as const,
    file: { url: 'https://files.example/wayline.kmz', fingerprint: GOOD_MD5 },
    rth_altitude: 100,
    out_of_control_action: 0 as const,
    exit_wayline_when_rc_lost: 0 as const,
    ...overrides,
  };
}
