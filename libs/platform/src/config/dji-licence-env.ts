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
