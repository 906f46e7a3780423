import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { randomUUID } from 'node:crypto';
import type { StorageCredentials } from '@dock/protocol';
import { UploadGrant, uploadPolicy } from '../../domain/storage/session-policy';

/** Issues the credentials a dock uploads with (storage_config_get's `credentials`). */
export interface UploadCredentialIssuer {
  readonly mode: 'sts' | 'static';
  issue(grant: UploadGrant, sessionName: string): Promise<StorageCredentials>;
  destroy(): void;
}

export interface StsIssuerSettings {
  region: string;
  /** MinIO (and the stand-in) serve STS at the storage endpoint; unset: AWS STS. */
  endpoint?: string;
  roleArn: string;
  ttlSeconds: number;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * STS AssumeRole with a session policy: the temporary key may only PUT under the grant's
 * prefixes, and expires after ttlSeconds. Works with AWS STS, MinIO's STS and the stand-in.
 */
export class StsUploadCredentials implements UploadCredentialIssuer {
  readonly mode = 'sts' as const;
  private readonly client: STSClient;

  constructor(private readonly settings: StsIssuerSettings) {
    this.client = new STSClient({
      region: settings.region,
      endpoint: settings.endpoint,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
    });
  }

  async issue(grant: UploadGrant, sessionName: string): Promise<StorageCredentials> {
    const answer = await this.client.send(
      new AssumeRoleCommand({
        RoleArn: this.settings.roleArn,
        RoleSessionName: sessionName.replace(/[^\w+=,.@-]/g, '-').slice(0, 64) || randomUUID(),
        Policy: JSON.stringify(uploadPolicy(grant)),
        DurationSeconds: this.settings.ttlSeconds,
      }),
    );
    const credentials = answer.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error('STS answered without credentials');
    }
    return {
      access_key_id: credentials.AccessKeyId,
      access_key_secret: credentials.SecretAccessKey,
      expire: this.settings.ttlSeconds,
      security_token: credentials.SessionToken ?? '',
    };
  }

  destroy(): void {
    this.client.destroy();
  }
}

/**
 * A key the operator configured and restricted in the store (a bucket policy allowing only
 * PutObject under MEDIA_OBJECT_KEY_ROOT). It cannot be narrowed per dock or flight and lives
 * as long as the operator keeps it: `expire` only tells the dock when to ask again.
 */
export class StaticUploadCredentials implements UploadCredentialIssuer {
  readonly mode = 'static' as const;

  constructor(
    private readonly key: { accessKeyId: string; secretAccessKey: string },
    private readonly ttlSeconds: number,
  ) {}

  async issue(): Promise<StorageCredentials> {
    return {
      access_key_id: this.key.accessKeyId,
      access_key_secret: this.key.secretAccessKey,
      expire: this.ttlSeconds,
      security_token: '',
    };
  }

  destroy(): void {}
}
