/**
 * The registry's public entry point: its module with typed options, its config, and the
 * organization service the embedded mode's onboarding uses.
 */
export { RegistryModule } from './registry.module';
export type { RegistryModuleOptions } from './registry.module';
export { registryConfigSchema } from './registry.config';
export { ORGANIZATION_SERVICE } from './registry.tokens';
export type { OrganizationService } from './application/organization-service';
export { hashBindingCode } from './domain/binding-code';
// Issue 15: the broker's access rules and the MQTT credentials (the embedded broker's hooks,
// the embedded mode's credentials.json, the Pilot page's login).
export { MQTT_ACCESS_SERVICE, MQTT_CREDENTIAL_SERVICE, PILOT_BOOTSTRAP } from './registry.tokens';
export type { MqttAccessService } from './application/mqtt-access-service';
export type { MqttCredentialService } from './application/mqtt-credential-service';
export type { RegistryPilotBootstrap } from './adapters/pilot/registry-pilot-bootstrap';
export { decideAccess, decideConnect } from './domain/mqtt-access';
export type { AccessDecision, MqttPrincipal } from './domain/mqtt-access';
