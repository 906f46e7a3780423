import {
  PilotBootstrap,
  PilotBootstrapRefused,
  PilotBootstrapSource,
  PilotBootstrapUnavailable,
  PilotCaller,
} from '@dock/pilot-h5';
import type { Organization } from '../../domain/organization';

/** The registry settings the Pilot 2 access page needs (registry.config.ts). */
export interface PilotAccessSettings {
  DJI_APP_ID?: string;
  DJI_APP_KEY?: string;
  DJI_APP_LICENSE?: string;
  PILOT_MQTT_URL?: string;
  PILOT_MQTT_USERNAME?: string;
  PILOT_MQTT_PASSWORD?: string;
  PUBLIC_API_URL?: string;
}

/** Settings without which a remote controller cannot be connected, in the operator's order. */
const REQUIRED = [
  'DJI_APP_ID',
  'DJI_APP_KEY',
  'DJI_APP_LICENSE',
  'PILOT_MQTT_URL',
  'PUBLIC_API_URL',
] as const;

/** The required settings that are unset (names only: some are secrets). */
export function missingPilotSettings(settings: PilotAccessSettings): string[] {
  return REQUIRED.filter((name) => !settings[name]);
}

/** How the source finds an organization (the registry's OrganizationService or its store). */
export type OrganizationLookup = (id: string) => Promise<Organization | undefined>;

/**
 * The registry's answer to "what does this caller's remote controller get": the licence and the
 * broker from the registry's settings, this API's address with the caller's own token, and the
 * organization of the request (its name from the store). MQTT credentials: PILOT_MQTT_USERNAME /
 * PILOT_MQTT_PASSWORD (typed in by operators otherwise), or the login bound per organization.
 *
 * The lookup is bound once the app's providers exist (`bindOrganizations`): the Pilot module is
 * registered before them, and Nest creates every provider before the app listens.
 */
export class RegistryPilotBootstrap implements PilotBootstrapSource {
  private lookup: OrganizationLookup | undefined;
  /** Organization id -> the MQTT login its controllers get (the embedded mode's default one). */
  private readonly logins = new Map<string, { username: string; password: string }>();

  constructor(private readonly settings: PilotAccessSettings) {}

  /**
   * Hands this organization's controllers this MQTT login instead of PILOT_MQTT_USERNAME /
   * PILOT_MQTT_PASSWORD (the embedded mode: the credential of credentials.json; the registry
   * keeps only hashes, so it can hand out only what its caller holds).
   */
  useMqttLogin(organizationId: string, login: { username: string; password: string }): void {
    this.logins.set(organizationId, login);
  }

  bindOrganizations(lookup: OrganizationLookup): void {
    this.lookup = lookup;
  }

  async bootstrapFor(caller: PilotCaller): Promise<PilotBootstrap> {
    const missing = missingPilotSettings(this.settings);
    if (missing.length > 0) {
      throw new PilotBootstrapUnavailable(
        'pilot_settings_missing',
        `Pilot access is not configured on this system: set ${missing.join(', ')} on the registry service`,
      );
    }
    if (!this.lookup) {
      throw new PilotBootstrapUnavailable(
        'pilot_starting',
        'the registry is still starting; try again',
      );
    }
    const organization = await this.lookup(caller.organizationId);
    if (!organization) {
      // The request's organization (X-Organization-Id, or the default one) is not in the store.
      throw new PilotBootstrapRefused(
        'organization_not_found',
        `organization ${caller.organizationId} does not exist`,
      );
    }
    const s = this.settings as Required<Pick<PilotAccessSettings, (typeof REQUIRED)[number]>> &
      PilotAccessSettings;
    return {
      license: { appId: s.DJI_APP_ID, appKey: s.DJI_APP_KEY, license: s.DJI_APP_LICENSE },
      mqtt: {
        host: s.PILOT_MQTT_URL,
        username: this.logins.get(organization.id)?.username ?? s.PILOT_MQTT_USERNAME ?? '',
        password: this.logins.get(organization.id)?.password ?? s.PILOT_MQTT_PASSWORD ?? '',
      },
      // Pilot calls the API with the token the operator signed in with.
      api: { host: s.PUBLIC_API_URL.replace(/\/+$/, ''), token: caller.token },
      organization: { id: organization.id, name: organization.name },
    };
  }
}
