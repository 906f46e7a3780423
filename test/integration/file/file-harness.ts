import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Client } from 'pg';
import { loadConfig, RunningService } from '@dock/platform';
import type { FileTopics } from '../../../apps/file/src/adapters/kafka/file-topics';
import { FileConfig, fileConfigSchema } from '../../../apps/file/src/file.config';
import { FileModule } from '../../../apps/file/src/file.module';
import { fileService } from '../../../apps/file/src/file.service-definition';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { generatedToken } from '../../support/api-tokens';
import { uniqueName } from '../../support/infra-settings';
import {
  dropTestResources,
  freePort,
  startServiceUnderTest,
  testDb,
  testKafka,
  serviceTestEnv,
} from '../../support/service-under-test';

/** The default organization's API token, generated per run. */
export const TEST_TOKEN = generatedToken('file');
/** Generated per run, as operators must: no signing key is a constant anywhere. */
export const SIGNING_KEY = randomBytes(32).toString('base64url');

export interface RunningFileService {
  running: RunningService;
  config: FileConfig;
  topics: FileTopics;
  schema: string;
  /** The internal address tests call. */
  baseUrl: string;
  storeDir: string;
  tmpDir: string;
  kafka: Kafka;
  db: Client;
  stop(): Promise<void>;
}

/**
 * The file service as it runs in production (same module, config schema and OpenAPI setup),
 * on its own schema, topics, consumer groups and directories, so runs never meet.
 * Docks see it as http://localhost:<port> while tests call 127.0.0.1: the public base URL is
 * its own setting.
 */
export async function startFileService(
  env: Record<string, string> = {},
): Promise<RunningFileService> {
  const schema = uniqueName('file_test', '_');
  const topics: FileTopics = {
    requests: uniqueName('file-requests'),
    requestReplies: uniqueName('file-replies'),
    taskEvents: uniqueName('file-task-events'),
  };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'file-service-'));
  const port = await freePort();
  const config = loadConfig(fileConfigSchema, {
    ...serviceTestEnv(port, schema),
    FILE_KAFKA_GROUP_PREFIX: uniqueName('file'),
    FILE_STORAGE_DIR: path.join(dir, 'store'),
    FILE_UPLOAD_TMP_DIR: path.join(dir, 'tmp'),
    FILE_URL_SIGNING_KEY: SIGNING_KEY,
    FILE_PUBLIC_BASE_URL: `http://localhost:${port}`,
    API_TOKENS: `${DEFAULT_ORGANIZATION_ID}:${TEST_TOKEN},other-org:${generatedToken('other')}`,
    ...env,
  });
  const running = await startServiceUnderTest({
    definition: fileService,
    config,
    port,
    module: (logger, checks) => FileModule.register(config, logger, checks, { topics }),
  });
  const kafka = testKafka('file-test');
  const db = await testDb();
  return {
    running,
    config,
    topics,
    schema,
    baseUrl: `http://127.0.0.1:${port}`,
    storeDir: path.join(dir, 'store'),
    tmpDir: path.join(dir, 'tmp'),
    kafka,
    db,
    async stop() {
      await running.shutdown('test finished');
      await dropTestResources(db, kafka, schema, Object.values(topics));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir` (relative paths), [] when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
