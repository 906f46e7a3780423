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
