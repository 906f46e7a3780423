import 'reflect-metadata';
import { runService } from '@dock/platform';
import { gatewayService } from './gateway.service-definition';

void runService(gatewayService);
