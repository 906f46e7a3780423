import { ConfigError, loadConfig } from '@dock/platform';
import { missionConfigSchema, partitionsConcurrently, timingSettings } from './mission.config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(missionConfigSchema, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.variable);
  }
}

describe('mission config', () => {
  it('defaults to local services and protocol-safe timings', () => {
    const config = loadConfig(missionConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3002);
    expect(config.FILE_SERVICE_URL).toBe('http://127.0.0.1:3004');
    expect(config.MISSION_PREPARE_LEAD_MS).toBe(600_000);
    expect(timingSettings(config)).toMatchObject({
      prepareLeadMs: 600_000,
      minPrepareLeadMs: 120_000,
      replyDeadlineMs: 60_000,
      inFlightSilenceMs: 7_200_000,
    });
  });

  it('switches the in-flight watchdog off with 0, and refuses a limit under 10 min', () => {
    const off = loadConfig(missionConfigSchema, { MISSION_IN_FLIGHT_SILENCE_MS: '0' });
    expect(timingSettings(off).inFlightSilenceMs).toBeNull();
    expect(problems({ MISSION_IN_FLIGHT_SILENCE_MS: '599999' })).toEqual([
      'MISSION_IN_FLIGHT_SILENCE_MS',
    ]);
    expect(problems({ MISSION_IN_FLIGHT_SILENCE_MS: '600000' })).toEqual([]);
  });

  it('refuses a prepare lead outside the protocol window (2 min .. 24 h)', () => {
    expect(problems({ MISSION_PREPARE_LEAD_MS: '60000' })).toEqual(['MISSION_PREPARE_LEAD_MS']);
    expect(problems({ MISSION_PREPARE_LEAD_MS: String(25 * 3_600_000) })).toEqual([
      'MISSION_PREPARE_LEAD_MS',
    ]);
    expect(problems({ MISSION_PREPARE_LEAD_MS: '120000' })).toEqual([]);
  });

  it('refuses a disabled authentication in production and inverted backoff bounds', () => {
    expect(problems({ NODE_ENV: 'production', AUTH_DISABLED: 'true' })).toEqual(['AUTH_DISABLED']);
    expect(problems({ MISSION_RETRY_INITIAL_MS: '10000', MISSION_RETRY_MAX_MS: '1000' })).toEqual([
      'MISSION_RETRY_MAX_MS',
    ]);
  });

  it('handles 3 reply partitions at once by default, 1-16 allowed, capped by the pool', () => {
    const config = loadConfig(missionConfigSchema, {});
    expect(config.MISSION_PARTITIONS_CONCURRENTLY).toBe(3);
    expect(problems({ MISSION_PARTITIONS_CONCURRENTLY: '0' })).toEqual([
      'MISSION_PARTITIONS_CONCURRENTLY',
    ]);
    expect(problems({ MISSION_PARTITIONS_CONCURRENTLY: '17' })).toEqual([
      'MISSION_PARTITIONS_CONCURRENTLY',
    ]);
    expect(problems({ MISSION_PARTITIONS_CONCURRENTLY: '16' })).toEqual([]);
    expect(partitionsConcurrently(config, 10)).toBe(3);
    const many = loadConfig(missionConfigSchema, { MISSION_PARTITIONS_CONCURRENTLY: '16' });
    // Two connections stay for the API and the relay; a tiny pool still consumes.
    expect(partitionsConcurrently(many, 10)).toBe(8);
    expect(partitionsConcurrently(many, 2)).toBe(1);
  });
});
