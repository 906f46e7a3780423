import {
  DockLicenceVariables,
  generateDockLicence,
} from '../../libs/platform/src/config/dji-licence-env';

/**
 * DJI_APP_* for one test or benchmark run: random, as the operator's secrets are (never a
 * constant in source). Simulated docks refuse a config reply without a licence, as real ones do.
 */
export function randomDockLicence(): DockLicenceVariables {
  return generateDockLicence();
}
