import 'reflect-metadata';
import { runService } from '@dock/platform';
import { missionService } from './mission.service-definition';

void runService(missionService);
