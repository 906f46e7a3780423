import 'reflect-metadata';
import { runService } from '@dock/platform';
import { mediaService } from './media.service-definition';

void runService(mediaService);
