import { ConfigError, loadConfig } from '@dock/platform';
import { fileConfigSchema } from './file.config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(fileConfigSchema, env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => p.variable).sort();
  }
}

const KEY = 'k'.repeat(40);

describe('fileConfigSchema', () => {
  it('refuses to start without a signing key, naming it: no key is built in', () => {
    expect(problems({})).toEqual(['FILE_URL_SIGNING_KEY']);
  });

  it('runs locally with nothing but a signing key', () => {
    const config = loadConfig(fileConfigSchema, { FILE_URL_SIGNING_KEY: KEY });
    expect(config.HTTP_PORT).toBe(3004);
    expect(config.FILE_STORAGE_DRIVER).toBe('local');
    expect(config.FILE_STORAGE_DIR).toBe('./.data/files');
    expect(config.FILE_URL_SIGNING_KEY).toBe(KEY);
    expect(config.FILE_KMZ_INSPECT_TIMEOUT_MS).toBe(30_000);
    expect(config.FILE_PUBLIC_BASE_URL).toBe('http://127.0.0.1:3004');
    expect(config.API_TOKENS).toEqual([]);
    expect(config.AUTH_DISABLED).toBe(false);
  });

  it('reads the operator settings', () => {
    const config = loadConfig(fileConfigSchema, {
      FILE_URL_SIGNING_KEY: KEY,
      API_TOKENS: 'org-a:token-a-0123456789ab, org-b:token-b-0123456789ab',
      FILE_MAX_UPLOAD_BYTES: '1000',
      FILE_PUBLIC_BASE_URL: 'https://files.example.com/dock',
      FILE_STORAGE_DRIVER: 's3',
      S3_BUCKET: 'waylines',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(config.API_TOKENS).toEqual([
      { organizationId: 'org-a', token: 'token-a-0123456789ab' },
      { organizationId: 'org-b', token: 'token-b-0123456789ab' },
    ]);
    expect(config.FILE_MAX_UPLOAD_BYTES).toBe(1000);
    expect(config.FILE_PUBLIC_BASE_URL).toBe('https://files.example.com/dock');
    expect(config.S3_FORCE_PATH_STYLE).toBe(true);
  });

  it('demands a public URL in production, and refuses disabled auth there', () => {
    expect(
      problems({ NODE_ENV: 'production', AUTH_DISABLED: 'true', FILE_URL_SIGNING_KEY: KEY }),
    ).toEqual(['AUTH_DISABLED', 'FILE_PUBLIC_BASE_URL']);
  });

  it('refuses a short signing key and a TTL past 7 days', () => {
    expect(problems({ FILE_URL_SIGNING_KEY: 'short', FILE_URL_TTL_SECONDS: '604801' })).toEqual([
      'FILE_URL_SIGNING_KEY',
      'FILE_URL_TTL_SECONDS',
    ]);
  });

  it('refuses the S3 driver without a bucket, and half a credential pair', () => {
    expect(
      problems({ FILE_URL_SIGNING_KEY: KEY, FILE_STORAGE_DRIVER: 's3', S3_ACCESS_KEY_ID: 'id' }),
    ).toEqual(['S3_BUCKET', 'S3_SECRET_ACCESS_KEY']);
  });
});
