/** The alerts service's public entry point: its module with typed options and its config. */
export { AlertsModule } from './alerts.module';
export type { AlertsModuleOptions } from './alerts.module';
export { alertsConfigSchema } from './alerts.config';
