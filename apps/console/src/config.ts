/** The services the console calls. */
export const SERVICES = ['mission', 'telemetry', 'file', 'registry', 'alerts'] as const;
export type Service = (typeof SERVICES)[number];

/**
 * What the console reads from `config.json` beside its bundle: where the five APIs answer
 * (empty: the same origin, as in the embedded mode or behind one ingress) and the map tiles.
 */
export interface ConsoleConfig {
  readonly api: Readonly<Record<Service, string>>;
  /** An XYZ tile URL template with {z}, {x} and {y}; null: no tiles (the map says so). */
  readonly tileUrl: string | null;
  /** Sent as X-Organization-Id when set (organization scoping). */
  readonly organizationId: string | null;
}

export const DEFAULT_CONFIG: ConsoleConfig = {
  api: { mission: '', telemetry: '', file: '', registry: '', alerts: '' },
  tileUrl: null,
  organizationId: null,
};

/** Reads a parsed config.json, keeping only well-formed values (the rest: defaults). */
export function parseConfig(raw: unknown): ConsoleConfig {
  const value = (raw ?? {}) as Record<string, unknown>;
  const api = (value.api ?? {}) as Record<string, unknown>;
  const base = (name: Service): string => {
    const url = api[name];
    return typeof url === 'string' ? url.replace(/\/+$/, '') : '';
  };
  const tile = value.tileUrl;
  const org = value.organizationId;
  return {
    api: Object.fromEntries(SERVICES.map((name) => [name, base(name)])) as Record<Service, string>,
    tileUrl: typeof tile === 'string' && isTileTemplate(tile) ? tile : null,
    organizationId: typeof org === 'string' && org !== '' ? org : null,
  };
}

export function isTileTemplate(url: string): boolean {
  return /^https?:\/\//.test(url) && ['{z}', '{x}', '{y}'].every((part) => url.includes(part));
}

export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const response = await fetch('./config.json', { cache: 'no-store' });
    if (!response.ok) return DEFAULT_CONFIG;
    return parseConfig(await response.json());
  } catch {
    return DEFAULT_CONFIG;
  }
}
