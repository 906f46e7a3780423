import { createHash, timingSafeEqual } from 'node:crypto';
import {
  AccessDecision,
  AccessRequest,
  BindingLookup,
  decideAccess,
  decideConnect,
  DeviceBinding,
  MqttPrincipal,
  RefusalKind,
} from '../domain/mqtt-access';
import type { MqttCredential } from '../domain/mqtt-credential';
import { verifyMqttPassword } from '../domain/mqtt-secret';
import type { MqttCredentialStore } from './ports';

export type MqttRefusalKind = RefusalKind;
export type MqttHookAction = 'connect' | 'publish' | 'subscribe';

export interface MqttAccessObserver {
  /** A refusal (counted), logged with the client id and username, never the password. */
  refused(
    action: MqttHookAction,
    kind: MqttRefusalKind,
    context: { clientId: string; username?: string; topic?: string; reason: string },
  ): void;
}

export type Authentication =
  | { readonly ok: true; readonly principal: MqttPrincipal }
  | { readonly ok: false; readonly kind: MqttRefusalKind; readonly reason: string };

/** A value loaded again after ttlMs or when invalidated; one load at a time. */
class Cached<T> {
  private value: T | undefined;
  private loadedAt = 0;
  private loading: Promise<T> | undefined;
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async get(): Promise<T> {
    if (this.value !== undefined && this.now() - this.loadedAt < this.ttlMs) return this.value;
    if (!this.loading) {
      const generation = this.generation;
      this.loading = this.load().then(
        (value) => {
          // Invalidated while loading: what was loaded may be older than the change.
          if (generation === this.generation) {
            this.value = value;
            this.loadedAt = this.now();
          }
          this.loading = undefined;
          return value;
        },
        (error: unknown) => {
          this.loading = undefined;
          throw error;
        },
      );
    }
    return this.loading;
  }

  invalidate(): void {
    this.generation += 1;
    this.value = undefined;
    this.loading = undefined;
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The broker's authentication and authorization (embedded hooks, EMQX HTTP endpoints): the
 * credentials and the device bindings cached in memory for cacheTtlMs (and forgotten at once on
 * a change made here), the rules of domain/mqtt-access.ts, and failing closed: an error denies.
 */
export class MqttAccessService {
  private readonly credentials: Cached<Map<string, MqttCredential>>;
  private readonly bindings: Cached<Map<string, DeviceBinding>>;
  /** username -> SHA-256 of (stored hash, password) that verified: no PBKDF2 per reconnect. */
  private readonly verified = new Map<string, Buffer>();

  constructor(
    store: MqttCredentialStore,
    settings: { readonly cacheTtlMs: number },
    private readonly observer: MqttAccessObserver,
    now: () => number = Date.now,
  ) {
    this.credentials = new Cached(
      async () => new Map((await store.allMqttCredentials()).map((c) => [c.username, c])),
      settings.cacheTtlMs,
      now,
    );
    this.bindings = new Cached(() => store.deviceBindings(), settings.cacheTtlMs, now);
  }

  /** Credentials changed (created, rotated, deleted). */
  credentialsChanged = (): void => {
    this.credentials.invalidate();
    this.verified.clear();
  };

  /** Devices bound, unbound or learned. */
  bindingsChanged = (): void => this.bindings.invalidate();

  async authenticate(
    clientId: string,
    username: string | undefined,
    password: string | undefined,
  ): Promise<Authentication> {
    const refuse = (kind: MqttRefusalKind, reason: string): Authentication => {
      this.observer.refused('connect', kind, { clientId, username, reason });
      return { ok: false, kind, reason };
    };
    if (!username || password === undefined || password === '') {
      return refuse('bad_credentials', 'anonymous connections are refused');
    }
    try {
      const credential = (await this.credentials.get()).get(username);
      if (!credential || !(await this.passwordMatches(credential, password))) {
        return refuse('bad_credentials', 'unknown username or wrong password');
      }
      const principal = principalOf(credential);
      const decision = decideConnect(principal, clientId, await this.lookup());
      if (!decision.allow) return refuse(decision.kind, decision.reason);
      return { ok: true, principal };
    } catch (error) {
      return refuse('error', `authentication failed: ${String(error)}`);
    }
  }

  /** The principal of an authenticated username (EMQX asks authorization by username). */
  async principal(username: string | undefined): Promise<MqttPrincipal | undefined> {
    if (!username) return undefined;
    const credential = (await this.credentials.get()).get(username);
    return credential ? principalOf(credential) : undefined;
  }

  async authorize(request: AccessRequest): Promise<AccessDecision> {
    try {
      const decision = decideAccess(request, await this.lookup());
      if (!decision.allow) {
        this.observer.refused(request.action, decision.kind, {
          clientId: request.clientId,
          username: request.principal.username,
          topic: request.topic,
          reason: decision.reason,
        });
      }
      return decision;
    } catch (error) {
      const reason = `authorization failed: ${String(error)}`;
      this.observer.refused(request.action, 'error', {
        clientId: request.clientId,
        username: request.principal.username,
        topic: request.topic,
        reason,
      });
      return { allow: false, kind: 'error', reason };
    }
  }

  /** Counts and logs a refusal decided elsewhere (an unknown username at authorization). */
  refuse(
    action: MqttHookAction,
    kind: MqttRefusalKind,
    context: { clientId: string; username?: string; topic?: string; reason: string },
  ): void {
    this.observer.refused(action, kind, context);
  }

  private async lookup(): Promise<BindingLookup> {
    const bindings = await this.bindings.get();
    return (sn) => bindings.get(sn);
  }

  private async passwordMatches(credential: MqttCredential, password: string): Promise<boolean> {
    const key = digest(`${credential.passwordHash}\u0000${password}`);
    const known = this.verified.get(credential.username);
    if (known && timingSafeEqual(known, key)) return true;
    if (!(await verifyMqttPassword(password, credential.passwordHash))) return false;
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(credential.username, key);
    return true;
  }
}

function principalOf(credential: MqttCredential): MqttPrincipal {
  return credential.kind === 'gateway' || credential.organizationId === null
    ? { kind: 'gateway', username: credential.username }
    : {
        kind: 'organization',
        username: credential.username,
        organizationId: credential.organizationId,
      };
}
