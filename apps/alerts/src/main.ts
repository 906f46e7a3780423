import 'reflect-metadata';
import { runService } from '@dock/platform';
import { alertsService } from './alerts.service-definition';

void runService(alertsService);
