/**
 * The telemetry service under test: the app's own service definition through runService. Its
 * topics are module constants (TELEMETRY_TOPICS, STORED_TOPICS); the bench points those arrays at
 * its per-run topics before the service starts, so nothing of the app changes.
 */
import 'reflect-metadata';
import { runService } from '@dock/platform';
import { STORED_TOPICS, TELEMETRY_TOPICS } from '../../apps/telemetry/src/telemetry-runtime';
import { telemetryService } from '../../apps/telemetry/src/telemetry.service-definition';
import type { BenchTopics } from '../lib/kafka';
import { childArgs } from '../lib/child';

const { topics } = childArgs<{ topics: BenchTopics }>();
(TELEMETRY_TOPICS as string[]).splice(
  0,
  TELEMETRY_TOPICS.length,
  topics.uplink.events,
  topics.uplink.status,
);
(STORED_TOPICS as string[]).splice(
  0,
  STORED_TOPICS.length,
  topics.uplink.events,
  topics.uplink.status,
  topics.uplink.osd,
);

void runService(telemetryService);
