import { ConfigError, loadConfig } from '@dock/platform';
import { mediaConfigSchema } from './media.config';

const KEY = 'k'.repeat(40);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(mediaConfigSchema, env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => p.variable).sort();
  }
}

describe('mediaConfigSchema', () => {
  it('needs a signing key and, for MinIO (the default provider), the storage endpoint', () => {
    expect(problems({ MEDIA_STORAGE_ENDPOINT: 'http://minio:9000' })).toEqual([
      'MEDIA_URL_SIGNING_KEY',
    ]);
    expect(problems({ MEDIA_URL_SIGNING_KEY: KEY })).toEqual(['MEDIA_STORAGE_ENDPOINT']);
    const config = loadConfig(mediaConfigSchema, {
      MEDIA_URL_SIGNING_KEY: KEY,
      MEDIA_STORAGE_ENDPOINT: 'http://minio:9000',
    });
    expect(config.HTTP_PORT).toBe(3007);
    expect(config.DATABASE_SCHEMA).toBe('media');
    expect(config.MEDIA_PUBLIC_BASE_URL).toBe('http://127.0.0.1:3007');
  });

  it('reads an empty optional setting as unset, as deployments write them', () => {
    const config = loadConfig(mediaConfigSchema, {
      MEDIA_URL_SIGNING_KEY: KEY,
      MEDIA_STORAGE_ENDPOINT: 'http://minio:9000',
      MEDIA_STORAGE_PUBLIC_ENDPOINT: '',
      MEDIA_STS_ENDPOINT: '',
      MEDIA_PUBLIC_BASE_URL: '',
      MEDIA_STORAGE_ACCESS_KEY_ID: '',
      MEDIA_STORAGE_SECRET_ACCESS_KEY: '',
      MEDIA_UPLOAD_ACCESS_KEY_ID: '',
      MEDIA_UPLOAD_SECRET_ACCESS_KEY: '',
    });
    expect(config.MEDIA_STORAGE_PUBLIC_ENDPOINT).toBeUndefined();
    expect(config.MEDIA_STORAGE_ACCESS_KEY_ID).toBeUndefined();
    expect(config.MEDIA_PUBLIC_BASE_URL).toBe('http://127.0.0.1:3007');
    // An empty endpoint is no endpoint: MinIO still needs one, and the message says so.
    expect(problems({ MEDIA_URL_SIGNING_KEY: KEY, MEDIA_STORAGE_ENDPOINT: '' })).toEqual([
      'MEDIA_STORAGE_ENDPOINT',
    ]);
  });

  it('refuses a signing key too short, and a key without its secret', () => {
    expect(problems({ MEDIA_URL_SIGNING_KEY: 'short', MEDIA_STORAGE_PROVIDER: 'aws' })).toEqual([
      'MEDIA_URL_SIGNING_KEY',
    ]);
    expect(
      problems({
        MEDIA_URL_SIGNING_KEY: KEY,
        MEDIA_STORAGE_PROVIDER: 'aws',
        MEDIA_STORAGE_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      }),
    ).toEqual(['MEDIA_STORAGE_SECRET_ACCESS_KEY']);
  });
});
