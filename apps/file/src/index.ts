/** The file service's public entry point: its module with typed options, its config, its storage. */
export { FileModule } from './file.module';
export type { FileModuleOptions } from './file.module';
export { fileConfigSchema } from './file.config';
export { createBlobStorage } from './adapters/storage/create-blob-storage';
