import 'reflect-metadata';
import { runService } from '@dock/platform';
import { telemetryService } from './telemetry.service-definition';

void runService(telemetryService);
