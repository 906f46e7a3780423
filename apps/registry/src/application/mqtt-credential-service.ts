import { randomUUID } from 'node:crypto';
import type { MqttCredential } from '../domain/mqtt-credential';
import {
  generateMqttPassword,
  generateMqttUsername,
  hashMqttPassword,
  verifyMqttPassword,
} from '../domain/mqtt-secret';
import { NotFoundError } from './errors';
import type { MqttCredentialStore } from './ports';

/** A credential with its password: the answer of create and rotate, the only time it is seen. */
export interface IssuedMqttCredential {
  readonly credential: MqttCredential;
  readonly password: string;
}

/**
 * MQTT credentials as operators manage them (REST) and as the embedded mode and the registry's
 * start set them up. `changed` is called after every change (the broker's cache forgets).
 */
export class MqttCredentialService {
  constructor(
    private readonly store: MqttCredentialStore,
    private readonly organizationExists: (id: string) => Promise<boolean>,
    private readonly changed: () => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async create(organizationId: string): Promise<IssuedMqttCredential> {
    await this.requireOrganization(organizationId);
    const password = generateMqttPassword();
    const at = this.now();
    const credential: MqttCredential = {
      id: randomUUID(),
      kind: 'organization',
      organizationId,
      username: generateMqttUsername(`org-${organizationId.slice(0, 8)}`),
      passwordHash: await hashMqttPassword(password),
      createdAt: at,
      rotatedAt: at,
    };
    await this.store.insertMqttCredential(credential);
    this.changed();
    return { credential, password };
  }

  async list(organizationId: string): Promise<MqttCredential[]> {
    await this.requireOrganization(organizationId);
    return this.store.listMqttCredentials(organizationId);
  }

  /** A new password for the same username; the old one stops working at once. */
  async rotate(organizationId: string, id: string): Promise<IssuedMqttCredential> {
    await this.requireOrganization(organizationId);
    const password = generateMqttPassword();
    const credential = await this.store.setMqttPassword(
      id,
      organizationId,
      await hashMqttPassword(password),
      this.now(),
    );
    if (!credential) throw unknownCredential(organizationId, id);
    this.changed();
    return { credential, password };
  }

  async delete(organizationId: string, id: string): Promise<void> {
    await this.requireOrganization(organizationId);
    if (!(await this.store.deleteMqttCredential(id, organizationId))) {
      throw unknownCredential(organizationId, id);
    }
    this.changed();
  }

  /** True when this username and password are a credential of the organization. */
  async works(organizationId: string, username: string, password: string): Promise<boolean> {
    const credentials = await this.store.listMqttCredentials(organizationId);
    const found = credentials.find((c) => c.username === username);
    return found !== undefined && verifyMqttPassword(password, found.passwordHash);
  }

  /**
   * The gateway service account has this username and password (the gateway's MQTT_USERNAME /
   * MQTT_PASSWORD): created, or its password set when the stored hash does not match.
   */
  async ensureGatewayAccount(username: string, password: string): Promise<MqttCredential> {
    const existing = (await this.store.listMqttCredentials(null)).find(
      (c) => c.username === username,
    );
    if (existing && (await verifyMqttPassword(password, existing.passwordHash))) return existing;
    const at = this.now();
    const hash = await hashMqttPassword(password);
    let credential: MqttCredential | undefined;
    if (existing) {
      credential = await this.store.setMqttPassword(existing.id, null, hash, at);
    }
    if (!credential) {
      credential = {
        id: randomUUID(),
        kind: 'gateway',
        organizationId: null,
        username,
        passwordHash: hash,
        createdAt: at,
        rotatedAt: at,
      };
      await this.store.insertMqttCredential(credential);
    }
    this.changed();
    return credential;
  }

  private async requireOrganization(id: string): Promise<void> {
    if (!(await this.organizationExists(id))) {
      throw new NotFoundError('organization_not_found', `no organization has the id ${id}`);
    }
  }
}

function unknownCredential(organizationId: string, id: string): NotFoundError {
  return new NotFoundError(
    'mqtt_credential_not_found',
    `organization ${organizationId} has no MQTT credential ${id}`,
  );
}
