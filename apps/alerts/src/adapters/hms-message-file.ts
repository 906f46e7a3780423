import { readFileSync } from 'node:fs';
import { HmsMessages, parseHmsMessageTable } from '../domain/hms/hms-messages';

/** Loads the operator's copy of DJI's hms.json at start; a bad file stops the start, named. */
export function loadHmsMessages(file: string | undefined, language: string): HmsMessages {
  if (!file) return new HmsMessages(null, language);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `ALERTS_HMS_MESSAGES_FILE: cannot read "${file}" as JSON (${(error as Error).message})`,
    );
  }
  try {
    return new HmsMessages(parseHmsMessageTable(json), language);
  } catch (error) {
    throw new Error(`ALERTS_HMS_MESSAGES_FILE: ${(error as Error).message}`);
  }
}
