import { ConfigError, loadConfig } from '@dock/platform';
import { alertsConfigSchema } from './alerts.config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(alertsConfigSchema, env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => p.variable).sort();
  }
}

describe('alertsConfigSchema', () => {
  it('runs locally with no settings at all, refusing private webhook targets', () => {
    const config = loadConfig(alertsConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3006);
    expect(config.DATABASE_SCHEMA).toBe('alerts');
    expect(config.ALERTS_WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(config.ALERTS_HMS_MESSAGES_FILE).toBeUndefined();
  });

  it('names each bad variable', () => {
    expect(
      problems({ ALERTS_WEBHOOK_ALLOW_PRIVATE: 'maybe', ALERTS_WEBHOOK_TIMEOUT_MS: '600000' }),
    ).toEqual(['ALERTS_WEBHOOK_ALLOW_PRIVATE', 'ALERTS_WEBHOOK_TIMEOUT_MS']);
  });

  it('refuses settings that do not fit together', () => {
    expect(
      problems({
        ALERTS_WEBHOOK_RETRY_INITIAL_MS: '5000',
        ALERTS_WEBHOOK_RETRY_MAX_MS: '1000',
        ALERTS_WEBHOOK_CONCURRENCY: '2',
        ALERTS_WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION: '3',
      }),
    ).toEqual(['ALERTS_WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION', 'ALERTS_WEBHOOK_RETRY_MAX_MS']);
  });
});
