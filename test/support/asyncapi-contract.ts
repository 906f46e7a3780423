import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/**
 * Test support: checks records against docs/asyncapi.yaml. Objects of the document are closed
 * here (no undeclared property allowed), so a field the code writes but the document does not
 * list fails the check, while the published schemas stay open for additive evolution.
 */
export const ASYNCAPI_FILE = path.resolve(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

interface AsyncApiDocument {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: {
    messages: Record<string, { payload: { $ref: string } }>;
    schemas: Record<string, unknown>;
  };
}

export interface RecordToCheck {
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: unknown;
}

export class AsyncApiContract {
  private readonly document: AsyncApiDocument;
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(file = ASYNCAPI_FILE) {
    this.document = parse(fs.readFileSync(file, 'utf8')) as AsyncApiDocument;
    this.ajv.addSchema(closeObjects(this.document) as object, 'asyncapi');
  }

  /** Every topic the document describes. */
  get addresses(): string[] {
    return Object.values(this.document.channels).map((channel) => channel.address);
  }

  /** The name of the payload schema of a topic, e.g. `UplinkRecord`. */
  payloadSchemaOf(address: string): string {
    const channel = Object.values(this.document.channels).find((c) => c.address === address);
    if (!channel) throw new Error(`no channel for topic ${address} in docs/asyncapi.yaml`);
    const [message] = Object.values(channel.messages);
    const messageName = message.$ref.split('/').pop() ?? '';
    const payloadRef = this.document.components.messages[messageName]?.payload.$ref ?? '';
    return payloadRef.split('/').pop() ?? '';
  }

  /** Problems of one record on `address` (empty when it conforms). */
  check(address: string, record: RecordToCheck): string[] {
    const problems: string[] = [];
    if (typeof record.key !== 'string' || record.key.length === 0) problems.push('key: missing');
    problems.push(...this.validate('RecordHeaders', record.headers, 'headers'));
    problems.push(...this.validate(this.payloadSchemaOf(address), record.value, 'value'));
    return problems;
  }

  private validate(schemaName: string, value: unknown, where: string): string[] {
    let validator = this.validators.get(schemaName);
    if (!validator) {
      validator = this.ajv.getSchema(`asyncapi#/components/schemas/${schemaName}`);
      if (!validator) throw new Error(`no schema ${schemaName} in docs/asyncapi.yaml`);
      this.validators.set(schemaName, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map(
      (error) =>
        `${where}${error.instancePath}: ${error.message ?? 'invalid'} ${JSON.stringify(error.params)}`,
    );
  }
}

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = closeObjects(value);
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}

/** What a bus log holds: records per topic, and each problem with its record's place. */
export interface BusLogCheck {
  readonly recordsByTopic: Record<string, number>;
  readonly problems: string[];
}

/**
 * Checks every record in the in-process bus's log (`<dir>/log/<topic>/<partition>.jsonl`,
 * what the embedded mode's services wrote) against docs/asyncapi.yaml: each topic must be
 * described, each record's key, headers and value must conform.
 */
export function checkBusLog(busDir: string, contract = new AsyncApiContract()): BusLogCheck {
  const recordsByTopic: Record<string, number> = {};
  const problems: string[] = [];
  const logDir = path.join(busDir, 'log');
  for (const topicDir of fs.readdirSync(logDir)) {
    const topic = decodeURIComponent(topicDir);
    if (!contract.addresses.includes(topic)) {
      problems.push(`${topic}: not described in docs/asyncapi.yaml`);
      continue;
    }
    for (const file of fs.readdirSync(path.join(logDir, topicDir))) {
      const lines = fs.readFileSync(path.join(logDir, topicDir, file), 'utf8').split('\n');
      for (const line of lines) {
        if (line.length === 0) continue;
        const stored = JSON.parse(line) as StoredLine;
        recordsByTopic[topic] = (recordsByTopic[topic] ?? 0) + 1;
        const record: RecordToCheck = {
          key: stored.k === null ? null : Buffer.from(stored.k, 'base64').toString('utf8'),
          headers: stored.h,
          value: stored.v === null ? null : JSON.parse(Buffer.from(stored.v, 'base64').toString()),
        };
        for (const problem of contract.check(topic, record)) {
          problems.push(`${topic}/${file}@${stored.o}: ${problem}`);
        }
      }
    }
  }
  return { recordsByTopic, problems };
}

/** A record's line in the in-process bus's partition file (libs/kafka partition-log.ts). */
interface StoredLine {
  o: number;
  k: string | null;
  v: string | null;
  h: Record<string, string>;
}
