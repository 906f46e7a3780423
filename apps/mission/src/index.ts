/** The mission service's public entry point: its module with typed options and its config. */
export { MissionModule } from './mission.module';
export type { MissionModuleOptions } from './mission.module';
export { missionConfigSchema } from './mission.config';
