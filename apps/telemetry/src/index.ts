/** The telemetry service's public entry point: its module with typed options and its config. */
export { TelemetryModule } from './telemetry.module';
export type { TelemetryModuleOptions } from './telemetry.module';
export { telemetryStartSchema } from './telemetry-start-schema';
export { withStreamTicketScheme } from './adapters/http/openapi-schemas';
