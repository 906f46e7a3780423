/**
 * The media service's public entry point: its module with typed options, its config, and the
 * embedded S3-compatible endpoint the one-process mode (and tests) run as its storage.
 */
export { MediaModule } from './media.module';
export type { MediaModuleOptions } from './media.module';
export { mediaConfigSchema } from './media.config';
export { S3StandIn } from './adapters/s3-standin/s3-standin';
export type { S3StandInSettings } from './adapters/s3-standin/s3-standin';
