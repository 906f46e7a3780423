/**
 * The mission service under test: the app's own service definition (config schema, checks,
 * Nest module, HTTP) through runService, with the bench's per-run topics and a wayline stub
 * in place of the file service (not under test: it answers once per task creation).
 */
import 'reflect-metadata';
import { runService } from '@dock/platform';
import { MissionModule } from '../../apps/mission/src/mission.module';
import { missionService } from '../../apps/mission/src/mission.service-definition';
import type { BenchTopics } from '../lib/kafka';
import { childArgs } from '../lib/child';

interface Args {
  topics: BenchTopics;
}

const { topics } = childArgs<Args>();

void runService({
  ...missionService,
  module: (config, logger, checks) =>
    MissionModule.register(config, logger, checks, {
      topics: {
        commands: topics.commands,
        commandReplies: topics.commandReplies,
        uplinkEvents: topics.uplink.events,
        taskEvents: topics.taskEvents,
        deviceEvents: topics.deviceEvents,
      },
      waylines: {
        bind: async ({ flightId }) => ({
          url: `http://127.0.0.1:9/bench/${flightId}.kmz`,
          fingerprint: 'd41d8cd98f00b204e9800998ecf8427e',
        }),
      },
    }),
});
