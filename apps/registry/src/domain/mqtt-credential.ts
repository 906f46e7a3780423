/**
 * An MQTT credential: an organization's device credential (docks, Pilot 2) or the gateway's
 * service account (organizationId null). Only the password's hash is stored (mqtt-secret.ts).
 */
export interface MqttCredential {
  readonly id: string;
  readonly kind: 'organization' | 'gateway';
  /** The organization whose devices connect with it; null for the gateway service account. */
  readonly organizationId: string | null;
  readonly username: string;
  /** `$7$` PBKDF2-SHA512 (Mosquitto's password-file format). */
  readonly passwordHash: string;
  readonly createdAt: number;
  /** When the password was last set (created or rotated). */
  readonly rotatedAt: number;
}

/** Usernames are 1..64 characters a password file and an ACL file take as they are. */
export const MQTT_USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
