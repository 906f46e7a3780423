import type { HmsEntry } from '@dock/protocol';

/** DJI's hms.json: `{ "dock_tip_0x…": { "en": "…", "zh": "…" }, "fpv_tip_0x…": … }`. */
export type HmsMessageTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * Turns an alert's code and arguments into DJI's text (dock-hms.md, "From code to a
 * human-readable message"). The table is the operator's copy of DJI's hms.json (none is
 * bundled: it is DJI's and it grows with firmware); without it, or for a code it lacks,
 * `describe` returns null and clients show the code and arguments.
 */
export class HmsMessages {
  constructor(
    private readonly table: HmsMessageTable | null,
    private readonly language = 'en',
  ) {}

  get loaded(): boolean {
    return this.table !== null;
  }

  describe(entry: HmsEntry): string | null {
    if (!this.table) return null;
    for (const key of lookupKeys(entry)) {
      const texts = Object.hasOwn(this.table, key) ? this.table[key] : undefined;
      const text = texts?.[this.language] ?? texts?.en;
      if (typeof text === 'string') return substitute(text, entry);
    }
    return null;
  }
}

/** Dock alerts (domain 3): dock_tip_<code>; aircraft: fpv_tip_<code>[_in_the_sky], then without. */
export function lookupKeys(entry: HmsEntry): string[] {
  const code = entry.code.toLowerCase();
  if (entry.device_type.startsWith('3-')) return [`dock_tip_${code}`];
  const ground = `fpv_tip_${code}`;
  return entry.in_the_sky === 1 ? [`${ground}_in_the_sky`, ground] : [ground];
}

const CHARGING_RODS = ['front', 'back', 'left', 'right'];

export function substitute(text: string, entry: HmsEntry): string {
  const { args } = entry;
  const sensor = typeof args.sensor_index === 'number' ? args.sensor_index : 0;
  const component = typeof args.component_index === 'number' ? args.component_index : 0;
  const leftRight = sensor === 0 ? 'left' : 'right';
  const dock = entry.device_type.startsWith('3-');
  let out = text
    .replaceAll('%component_index', String(component + 1))
    .replaceAll('%battery_index', leftRight)
    .replaceAll('%index', String(sensor + 1));
  if (typeof args.alarm_id === 'number') {
    out = out.replaceAll('%alarmid', args.alarm_id.toString(16));
  }
  if (dock) {
    out = out
      .replaceAll('%dock_cover_index', leftRight)
      .replaceAll('%charging_rod_index', CHARGING_RODS[sensor] ?? String(sensor));
  }
  return out;
}

/** Validates a parsed hms.json; throws naming the first bad entry. */
export function parseHmsMessageTable(json: unknown): HmsMessageTable {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('the HMS message table must be a JSON object keyed by dock_tip_/fpv_tip_ keys');
  }
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`HMS message table: "${key}" must be an object like {"en": "…"}`);
    }
  }
  return json as HmsMessageTable;
}
