import 'reflect-metadata';
import { runService } from '@dock/platform';
import { fileService } from './file.service-definition';

void runService(fileService);
