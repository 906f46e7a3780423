import 'reflect-metadata';
import { runService } from '@dock/platform';
import { registryService } from './registry.service-definition';

void runService(registryService);
