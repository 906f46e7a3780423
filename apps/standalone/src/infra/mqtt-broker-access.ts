import { createHash, timingSafeEqual } from 'node:crypto';
import type Aedes from 'aedes';
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import type { Logger } from 'pino';
import {
  AccessDecision,
  decideAccess,
  decideConnect,
  MqttAccessService,
  MqttPrincipal,
} from '../../../registry/src';

/** What the embedded broker checks: the gateway's account of this start, and the dev switch. */
export interface EmbeddedMqttAccessSettings {
  /** The gateway service account: generated at each start, held in memory only. */
  readonly gateway: { readonly username: string; readonly password: string };
  /** Anonymous clients allowed with every right (MQTT_ALLOW_ANONYMOUS, development only). */
  readonly allowAnonymous: boolean;
}

const PRINCIPAL = Symbol('mqtt-principal');
type WithPrincipal = Client & { [PRINCIPAL]?: MqttPrincipal | 'anonymous' };

/** A refused publish is acknowledged and goes nowhere: nobody may subscribe under `$refused/`. */
const REFUSED_PREFIX = '$refused/';
/** Only a request's `method` is read, and only from a payload this small. */
const MAX_METHOD_PAYLOAD = 64 * 1024;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

function refusal(code: 4 | 5, message: string): AuthenticateError {
  const error = new Error(message) as AuthenticateError;
  error.returnCode = code;
  return error;
}

/**
 * aedes' authenticate / authorizePublish / authorizeSubscribe on the rules of the registry
 * (apps/registry/src/domain/mqtt-access.ts) and its credentials (in-process). The gateway's
 * service account is checked here, so the gateway connects while the app starts; device
 * credentials once the registry is up (bind()), refused until then (docks retry).
 * A refused publish is acknowledged and dropped (as Mosquitto and EMQX do); a refused
 * subscription is answered 0x80. Refusals are counted by the registry's access service.
 */
export class EmbeddedMqttAccess {
  private access: MqttAccessService | undefined;
  private readonly gatewayUsername: string;
  private readonly gatewayPassword: Buffer;

  constructor(
    private readonly settings: EmbeddedMqttAccessSettings,
    private readonly log: Logger,
  ) {
    this.gatewayUsername = settings.gateway.username;
    this.gatewayPassword = sha256(settings.gateway.password);
  }

  bind(access: MqttAccessService): void {
    this.access = access;
  }

  install(broker: Aedes): void {
    broker.authenticate = (client, username, password, done) => {
      this.authenticate(client as WithPrincipal, username, password?.toString('utf8')).then(
        (error) => (error ? done(error, false) : done(null, true)),
        (error: unknown) => done(refusal(5, `authentication failed: ${String(error)}`), false),
      );
    };
    broker.authorizePublish = (client, packet, done) => {
      if (!client) {
        done(new Error('no publishes without a client')); // obsolete wills
        return;
      }
      this.authorizePublish(client as WithPrincipal, packet).then(
        () => done(null),
        () => {
          drop(packet);
          done(null);
        },
      );
    };
    broker.authorizeSubscribe = (client, subscription, done) => {
      if (!client) {
        done(null, null);
        return;
      }
      this.allowed(client as WithPrincipal, 'subscribe', subscription.topic).then(
        (allow) => done(null, allow ? subscription : (null as unknown as Subscription)),
        () => done(null, null as unknown as Subscription),
      );
    };
  }

  /** undefined: connected; otherwise the CONNACK refusal. */
  private async authenticate(
    client: WithPrincipal,
    username: string | undefined,
    password: string | undefined,
  ): Promise<AuthenticateError | undefined> {
    if (!username && this.settings.allowAnonymous) {
      client[PRINCIPAL] = 'anonymous';
      return undefined;
    }
    if (username === this.gatewayUsername) {
      const ok = password !== undefined && timingSafeEqual(sha256(password), this.gatewayPassword);
      const principal: MqttPrincipal = { kind: 'gateway', username };
      const decision: AccessDecision = ok
        ? decideConnect(principal, client.id, () => undefined)
        : { allow: false, kind: 'bad_credentials', reason: 'wrong password' };
      if (!decision.allow) {
        this.access?.refuse('connect', decision.kind, {
          clientId: client.id,
          username,
          reason: decision.reason,
        });
        this.log.warn(
          { clientId: client.id, username, kind: decision.kind },
          'MQTT connect refused',
        );
        return refusal(decision.kind === 'bad_credentials' ? 4 : 5, decision.reason);
      }
      client[PRINCIPAL] = principal;
      return undefined;
    }
    if (!this.access) {
      this.log.info({ clientId: client.id }, 'MQTT connect refused: the registry is not up yet');
      return refusal(5, 'the registry is starting');
    }
    const outcome = await this.access.authenticate(client.id, username, password);
    if (!outcome.ok) return refusal(outcome.kind === 'bad_credentials' ? 4 : 5, outcome.reason);
    client[PRINCIPAL] = outcome.principal;
    return undefined;
  }

  private async authorizePublish(client: WithPrincipal, packet: PublishPacket): Promise<void> {
    const allowed = await this.allowed(client, 'publish', packet.topic, packet);
    if (!allowed) throw new Error('refused');
  }

  private async allowed(
    client: WithPrincipal,
    action: 'publish' | 'subscribe',
    topic: string,
    packet?: PublishPacket,
  ): Promise<boolean> {
    const principal = client[PRINCIPAL];
    if (principal === 'anonymous') return true;
    if (principal === undefined) return false;
    const request = {
      principal,
      clientId: client.id,
      action,
      topic,
      retain: packet?.retain === true,
      method: packet && topic.endsWith('/requests') ? methodOf(packet.payload) : undefined,
    };
    if (this.access) return (await this.access.authorize(request)).allow;
    // Before the registry is up only the gateway is connected; its rules need no bindings.
    const decision = decideAccess(request, () => undefined);
    if (!decision.allow) {
      this.log.warn({ clientId: client.id, topic, kind: decision.kind }, `MQTT ${action} refused`);
    }
    return decision.allow;
  }
}

function drop(packet: PublishPacket): void {
  packet.topic = `${REFUSED_PREFIX}${packet.topic}`;
  packet.retain = false;
}

/** The `method` of a Cloud API request, or '' when the payload has none (refused then). */
function methodOf(payload: Buffer | string): string {
  if (payload.length > MAX_METHOD_PAYLOAD) return '';
  try {
    const parsed = JSON.parse(payload.toString()) as { method?: unknown };
    return typeof parsed?.method === 'string' ? parsed.method : '';
  } catch {
    return '';
  }
}
