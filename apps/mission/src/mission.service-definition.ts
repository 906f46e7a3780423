import { postgresKafkaChecks, ServiceDefinition, setupOpenApi } from '@dock/platform';
import { missionConfigSchema } from './mission.config';
import { MissionModule } from './mission.module';

export const MISSION_OPENAPI_INFO = {
  title: 'Mission service',
  description:
    'Wayline tasks of DJI docks: creation (immediate, timed, conditional), recurring plans, ' +
    'state and history, and the commands flighttask_undo / pause / recovery, return_home and ' +
    "return_home_cancel. Commands answer 202 at once with their pending state; the dock's " +
    'answer arrives later (GET /commands/{id}, and the task itself).',
  version: '1',
};

export const missionService: ServiceDefinition<typeof missionConfigSchema> = {
  service: 'mission',
  schema: missionConfigSchema,
  checks: (config) => postgresKafkaChecks('mission', config),
  module: (config, logger, checks) => MissionModule.register(config, logger, checks),
  configure: (app) => {
    setupOpenApi(app, MISSION_OPENAPI_INFO);
  },
};
