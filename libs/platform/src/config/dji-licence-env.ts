import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';

/** Empty counts as unset (`DJI_APP_ID=` in an .env file, `${DJI_APP_ID:-}` in compose). */
export const unsetWhenEmpty = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

const optionalSecret = unsetWhenEmpty(z.string().min(1).optional());

/**
 * The DJI Cloud API licence: app id, key and licence of a Cloud API app on
 * https://developer.dji.com/. Secrets (redacted in logs, REDACTED_PATHS). Read by the gateway
 * (a dock checks it in the `config` reply) and by the registry (the Pilot 2 access page hands it
 * to remote controllers). Unset: each service says what that costs (docs/gateway.md).
 * Deployments take them from the Secret `dji-cloud-api-licence` (deploy/README.md).
 */
export const djiLicenceEnv = {
  DJI_APP_ID: optionalSecret,
  DJI_APP_KEY: optionalSecret,
  DJI_APP_LICENSE: optionalSecret,
};

/** The licence variables, in the order operators see them. */
export const DJI_LICENCE_VARIABLES = ['DJI_APP_ID', 'DJI_APP_KEY', 'DJI_APP_LICENSE'] as const;

export type DockLicenceVariables = Record<(typeof DJI_LICENCE_VARIABLES)[number], string>;

/**
 * A random development licence: generated, never a constant in source. Simulated docks accept
 * it (they refuse a config reply without a licence, as real ones do); a real dock never will,
 * since it checks the licence with DJI. The embedded mode keeps one in its data directory,
 * `npm run start:services` makes one per run (it loads this file from source), tests and
 * benchmarks one per run (test/support/dock-licence.ts).
 */
export function generateDockLicence(): DockLicenceVariables {
  return {
    DJI_APP_ID: String(randomInt(100_000, 1_000_000)),
    DJI_APP_KEY: randomBytes(16).toString('hex'),
    DJI_APP_LICENSE: randomBytes(48).toString('base64'),
  };
}
