import { randomBytes, randomInt } from 'node:crypto';

/**
 * DJI_APP_* for one test or benchmark run: random, as the operator's secrets are (never a
 * constant in source). Simulated docks refuse a config reply without a licence, as real ones do.
 */
export function randomDockLicence(): {
  DJI_APP_ID: string;
  DJI_APP_KEY: string;
  DJI_APP_LICENSE: string;
} {
  return {
    DJI_APP_ID: String(randomInt(100_000, 1_000_000)),
    DJI_APP_KEY: randomBytes(16).toString('hex'),
    DJI_APP_LICENSE: randomBytes(48).toString('base64'),
  };
}
