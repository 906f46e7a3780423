import { DEFAULT_ORGANIZATION_ID } from '../../../libs/contracts/src/organizations';
import type { ConsoleConfig, Service } from './config';
import type {
  CommandView,
  DockView,
  ExitHomingView,
  FleetDock,
  HmsAlertView,
  PlanView,
  RegistryDevice,
  ProgressView,
  TaskView,
  TrajectoryFeature,
  WaylineView,
} from './api-types';

import { joinFleet } from './fleet-model';

/**
 * Every call the console makes to the system, in one place: the token, the organization
 * header and the error shapes are handled here, and so is what makes a "fleet dock"
 * (telemetry's /docks joined with the registry's devices and the active HMS alerts).
 */

/** The API answered with an error: status, its machine code and message, named fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly problems: readonly { field: string; problem: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** One line for an operator: what was refused and why. */
  describe(): string {
    const fields = this.problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
    const code = this.code ? ` (${this.code})` : '';
    return `${this.message}${code}${fields ? ` - ${fields}` : ''}`;
  }
}

/** The server could not be reached at all (network down, server stopped). */
export class ConnectionLostError extends Error {
  constructor(cause: unknown) {
    super(`the server could not be reached: ${cause instanceof Error ? cause.message : cause}`);
    this.name = 'ConnectionLostError';
  }
}

export interface ApiHooks {
  /** The token was refused (401): the console shows its sign-in screen. */
  onUnauthorized(message: string): void;
  /** A call failed to reach the server / reached it again. */
  onConnection(ok: boolean): void;
}

/** The fleet as read, and which of its sources could not be read (the rest still shows). */
export interface FleetRead {
  readonly docks: FleetDock[];
  readonly problems: string[];
}

export class ApiClient {
  constructor(
    private readonly config: ConsoleConfig,
    private readonly token: () => string | null,
    private readonly hooks: ApiHooks,
  ) {}

  url(service: Service, path: string): string {
    return `${this.config.api[service]}${path}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.config.organizationId) headers['X-Organization-Id'] = this.config.organizationId;
    return headers;
  }

  async request<T>(
    service: Service,
    path: string,
    init: { method?: string; json?: unknown; body?: BodyInit } = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url(service, path), {
        method: init.method ?? 'GET',
        headers: this.headers(
          init.json === undefined ? {} : { 'Content-Type': 'application/json' },
        ),
        body: init.json === undefined ? init.body : JSON.stringify(init.json),
        cache: 'no-store',
      });
    } catch (error) {
      this.hooks.onConnection(false);
      throw new ConnectionLostError(error);
    }
    this.hooks.onConnection(true);
    const text = await response.text();
    const body = parseJson(text);
    if (response.ok) return body as T;
    const error = toApiError(response.status, body, text);
    if (response.status === 401) this.hooks.onUnauthorized(error.message);
    throw error;
  }

  // --- fleet ---------------------------------------------------------------------------

  async docks(): Promise<DockView[]> {
    const items: DockView[] = [];
    let after: string | null = null;
    do {
      const query: string = after ? `&after=${encodeURIComponent(after)}` : '';
      const page: { items: DockView[]; next: string | null } = await this.request(
        'telemetry',
        `/docks?limit=500${query}`,
      );
      items.push(...page.items);
      after = page.next;
    } while (after && items.length < 5_000);
    return items;
  }

  /**
   * The fleet as the console shows it: telemetry's docks (task, progress, position) joined
   * with the registry's devices (model, firmware, presence) and the active HMS alerts. The
   * registry or the alerts service failing leaves its columns unknown and says so; telemetry
   * failing fails the read.
   */
  async fleet(): Promise<FleetRead> {
    const problems: string[] = [];
    const optional = async <T>(what: string, call: Promise<T>): Promise<T | null> => {
      try {
        return await call;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 401) throw error;
        problems.push(`${what} could not be read: ${error.describe()}`);
        return null;
      }
    };
    const [docks, devices, alerts] = await Promise.all([
      this.docks(),
      optional('The registry (model, firmware, presence)', this.devices()),
      optional('The HMS alerts', this.activeAlerts()),
    ]);
    return { docks: joinFleet({ docks, devices, alerts }), problems };
  }

  /** The organization's devices (docks and their aircraft) as the registry knows them. */
  devices(): Promise<RegistryDevice[]> {
    const organization = this.config.organizationId ?? DEFAULT_ORGANIZATION_ID;
    return this.request('registry', `/organizations/${enc(organization)}/devices`);
  }

  /** Every active HMS alert of the organization (newest first, a page of at most 500). */
  async activeAlerts(): Promise<HmsAlertView[]> {
    const page: { items: HmsAlertView[] } = await this.request(
      'alerts',
      '/hms-alerts?state=active&limit=500',
    );
    return page.items;
  }

  /** The HMS alerts raised during one flight, active and cleared. */
  async flightAlerts(flightId: string): Promise<HmsAlertView[]> {
    const page: { items: HmsAlertView[] } = await this.request(
      'alerts',
      `/flights/${enc(flightId)}/hms-alerts?limit=500`,
    );
    return page.items;
  }

  /** One dock's telemetry state (position, topology, newest progress); null if none stored. */
  dock(sn: string): Promise<DockView | null> {
    return this.orNull(this.request('telemetry', `/docks/${enc(sn)}`));
  }

  // --- a flight ------------------------------------------------------------------------

  task(flightId: string): Promise<TaskView> {
    return this.request('mission', `/tasks/${enc(flightId)}`);
  }

  tasks(gatewaySn: string, limit = 20): Promise<{ items: TaskView[] }> {
    return this.request('mission', `/tasks?gatewaySn=${enc(gatewaySn)}&limit=${limit}`);
  }

  async progress(flightId: string): Promise<ProgressView[]> {
    const items: ProgressView[] = [];
    let after: string | null = null;
    do {
      const query: string = after ? `&after=${encodeURIComponent(after)}` : '';
      const page: { items: ProgressView[]; next: string | null } = await this.request(
        'telemetry',
        `/flights/${enc(flightId)}/progress?limit=1000${query}`,
      );
      items.push(...page.items);
      after = page.next;
    } while (after && items.length < 10_000);
    return items;
  }

  flightTrajectory(flightId: string): Promise<TrajectoryFeature | null> {
    return this.orNull(this.request('telemetry', `/flights/${enc(flightId)}/rth-trajectory`));
  }

  async exitHomingNotices(sn: string, fromMs: number): Promise<ExitHomingView[]> {
    const page: { items: ExitHomingView[] } = await this.request(
      'telemetry',
      `/docks/${enc(sn)}/exit-homing-notices?from=${fromMs}&limit=1000`,
    );
    return page.items;
  }

  command(id: string): Promise<CommandView> {
    return this.request('mission', `/commands/${enc(id)}`);
  }

  pause(flightId: string): Promise<CommandView> {
    return this.request('mission', `/tasks/${enc(flightId)}/pause`, { method: 'POST' });
  }

  resume(flightId: string): Promise<CommandView> {
    return this.request('mission', `/tasks/${enc(flightId)}/resume`, { method: 'POST' });
  }

  resumeFromBreakpoint(flightId: string): Promise<TaskView> {
    return this.request('mission', `/tasks/${enc(flightId)}/resume-from-breakpoint`, {
      method: 'POST',
      json: { creator: 'console' },
    });
  }

  returnHome(sn: string): Promise<CommandView> {
    return this.request('mission', `/docks/${enc(sn)}/return-home`, { method: 'POST' });
  }

  cancelReturnHome(sn: string): Promise<CommandView> {
    return this.request('mission', `/docks/${enc(sn)}/return-home/cancel`, { method: 'POST' });
  }

  cancelTasks(
    sn: string,
    flightIds: string[],
  ): Promise<{ canceled: string[]; command: CommandView | null }> {
    return this.request('mission', `/docks/${enc(sn)}/tasks/cancel`, {
      method: 'POST',
      json: { flightIds },
    });
  }

  // --- plan ----------------------------------------------------------------------------

  uploadWayline(name: string, file: File): Promise<WaylineView> {
    const form = new FormData();
    form.append('name', name);
    form.append('file', file, file.name);
    return this.request('file', '/waylines', { method: 'POST', body: form });
  }

  waylines(): Promise<{ items: WaylineView[] }> {
    return this.request('file', '/waylines?limit=100');
  }

  createTask(body: Record<string, unknown>): Promise<TaskView> {
    return this.request('mission', '/tasks', { method: 'POST', json: body });
  }

  createPlan(body: Record<string, unknown>): Promise<PlanView> {
    return this.request('mission', '/plans', { method: 'POST', json: body });
  }

  // --- live ----------------------------------------------------------------------------

  /** A short-lived ticket for EventSource, which cannot send the token (never in the URL). */
  streamTicket(): Promise<{ ticket: string; expiresAt: string }> {
    return this.request('telemetry', '/stream/tickets', { method: 'POST' });
  }

  streamUrl(ticket: string, dock?: string): string {
    const query = new URLSearchParams({ ticket });
    if (dock) query.set('dock', dock);
    return this.url('telemetry', `/stream?${query.toString()}`);
  }

  private async orNull<T>(call: Promise<T>): Promise<T | null> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }
}

/** The dock's home: the return point a planned path ends at ([longitude, latitude]). */
export function homeOf(feature: TrajectoryFeature): [number, number] | null {
  const points = pathOf(feature);
  const last = points[points.length - 1];
  return last ? [last[0], last[1]] : null;
}

/** The [longitude, latitude] points of a LineString or Point feature (others: none). */
export function pathOf(feature: TrajectoryFeature | null): [number, number][] {
  if (!feature) return [];
  const { type, coordinates } = feature.geometry;
  const raw = type === 'LineString' ? coordinates : type === 'Point' ? [coordinates] : [];
  return (raw as unknown[])
    .filter((p): p is number[] => Array.isArray(p) && p.length >= 2)
    .filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))
    .map((p) => [p[0], p[1]]);
}

function toApiError(status: number, body: unknown, text: string): ApiError {
  const value = (body ?? {}) as Record<string, unknown>;
  const message =
    typeof value.message === 'string'
      ? value.message
      : Array.isArray(value.message)
        ? value.message.join('; ')
        : text.slice(0, 200) || `HTTP ${status}`;
  const problems = Array.isArray(value.problems)
    ? (value.problems as { field?: unknown; problem?: unknown }[]).map((p) => ({
        field: String(p.field ?? ''),
        problem: String(p.problem ?? ''),
      }))
    : [];
  return new ApiError(
    status,
    typeof value.code === 'string' ? value.code : null,
    message,
    problems,
  );
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function enc(value: string): string {
  return encodeURIComponent(value);
}
