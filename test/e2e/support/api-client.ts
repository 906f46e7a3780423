import type { ApiEndpoint, SystemUnderTest } from './system-under-test';

/**
 * Thin clients of the three REST APIs, as an operator (or a UI) would call them: bearer token,
 * JSON in and out. The response types name only the fields the scenarios read.
 */

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`);
  }
}

async function call<T>(
  endpoint: ApiEndpoint,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${endpoint.token}` };
  let payload: string | FormData | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${endpoint.baseUrl}${path}`, {
    method,
    headers,
    body: payload,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T };
}

/** Calls and insists on `expected` (a 2xx by default); the body otherwise is in the error. */
async function expectOk<T>(
  endpoint: ApiEndpoint,
  method: string,
  path: string,
  body?: unknown,
  expected: readonly number[] = [200, 201, 202, 204],
): Promise<T> {
  const response = await call<T>(endpoint, method, path, body);
  if (!expected.includes(response.status)) {
    throw new ApiError(response.status, response.body, `${method} ${path}`);
  }
  return response.body;
}

// ---- file service ---------------------------------------------------------------------------

export interface Wayline {
  readonly id: string;
  readonly name: string;
  readonly fingerprint: string;
  readonly sizeBytes: number;
}

// ---- mission service ------------------------------------------------------------------------

export interface TaskResult {
  readonly code: number | null;
  readonly meaning: string | null;
}

export interface TaskProgress {
  readonly status: string;
  readonly currentStep: number | null;
  readonly percent: number | null;
  readonly waypointIndex: number | null;
  readonly mediaCount: number | null;
  readonly breakPoint: Record<string, unknown> | null;
  readonly reportedAt: number;
}

export interface TaskTransition {
  readonly from: string | null;
  readonly to: string;
  readonly cause: string;
  readonly resultCode: number | null;
  readonly at: number;
}

export interface Task {
  readonly flightId: string;
  readonly gatewaySn: string;
  readonly waylineId: string;
  readonly taskType: 'immediate' | 'timed' | 'conditional';
  readonly executeTime: number | null;
  readonly state: string;
  readonly result: TaskResult;
  readonly lastCause: string;
  readonly progress: TaskProgress | null;
  readonly attempts: number;
  readonly readyAt: number | null;
  readonly history?: readonly TaskTransition[];
}

export interface Command {
  readonly id: string;
  readonly gatewaySn: string;
  readonly method: string;
  readonly flightIds: readonly string[];
  readonly state: 'pending' | 'accepted' | 'refused' | 'timeout' | 'invalid';
  readonly result: TaskResult;
  readonly error: string | null;
}

export interface CancelOutcome {
  readonly canceled: readonly string[];
  readonly pending: readonly string[];
  readonly command: Command | null;
}

export interface NewTask {
  readonly name: string;
  readonly gatewaySn: string;
  readonly waylineId: string;
  readonly taskType: 'immediate' | 'timed' | 'conditional';
  readonly executeTime?: number;
  readonly readyConditions?: { batteryCapacity: number; beginTime: number; endTime: number };
  readonly rthAltitude: number;
  readonly exitWaylineWhenRcLost: 0 | 1;
}

// ---- telemetry service ----------------------------------------------------------------------

export interface ProgressReport {
  readonly flightId: string;
  readonly gatewaySn: string;
  readonly reportedAt: string;
  readonly receivedAt: string;
  readonly status: string;
  readonly final: boolean;
  readonly result: number;
  readonly currentStep: number | null;
  readonly percent: number | null;
  readonly waypointIndex: number | null;
  readonly breakPoint: Record<string, unknown> | null;
}

export interface FlightLatest {
  readonly flightId: string;
  readonly gatewaySn: string;
  readonly readyAt: string | null;
  readonly latest: ProgressReport;
}

export interface ProgressPage {
  readonly items: readonly ProgressReport[];
  readonly next: string | null;
}

export interface TrajectoryFeature {
  readonly type: 'Feature';
  readonly geometry: { readonly type: string; readonly coordinates: unknown };
  readonly properties: {
    readonly flightId: string | null;
    readonly gatewaySn: string;
    readonly pointCount: number;
    readonly lastPointType: number | null;
  };
}

export interface DockLatest {
  readonly gatewaySn: string;
  readonly dockOnline: boolean | null;
  readonly aircraftSn: string | null;
  readonly lastRthFlightId: string | null;
  readonly progress: ProgressReport | null;
}

/** The three APIs of one system under test. */
export class Apis {
  constructor(private readonly system: SystemUnderTest) {}

  // file
  async uploadWayline(kmz: Buffer, name: string): Promise<Wayline> {
    const form = new FormData();
    form.append('name', name);
    form.append(
      'file',
      new Blob([kmz], { type: 'application/vnd.google-earth.kmz' }),
      `${name}.kmz`,
    );
    return expectOk<Wayline>(this.system.fileApi, 'POST', '/waylines', form, [201]);
  }

  // mission
  createTask(task: NewTask): Promise<Task> {
    return expectOk<Task>(this.system.missionApi, 'POST', '/tasks', task, [201]);
  }

  task(flightId: string): Promise<Task> {
    return expectOk<Task>(this.system.missionApi, 'GET', `/tasks/${encodeURIComponent(flightId)}`);
  }

  pause(flightId: string): Promise<Command> {
    return expectOk<Command>(
      this.system.missionApi,
      'POST',
      `/tasks/${encodeURIComponent(flightId)}/pause`,
    );
  }

  resume(flightId: string): Promise<Command> {
    return expectOk<Command>(
      this.system.missionApi,
      'POST',
      `/tasks/${encodeURIComponent(flightId)}/resume`,
    );
  }

  cancel(gatewaySn: string, flightIds: string[]): Promise<CancelOutcome> {
    return expectOk<CancelOutcome>(
      this.system.missionApi,
      'POST',
      `/docks/${encodeURIComponent(gatewaySn)}/tasks/cancel`,
      { flightIds },
    );
  }

  returnHome(gatewaySn: string): Promise<Command> {
    return expectOk<Command>(
      this.system.missionApi,
      'POST',
      `/docks/${encodeURIComponent(gatewaySn)}/return-home`,
    );
  }

  cancelReturnHome(gatewaySn: string): Promise<Command> {
    return expectOk<Command>(
      this.system.missionApi,
      'POST',
      `/docks/${encodeURIComponent(gatewaySn)}/return-home/cancel`,
    );
  }

  command(id: string): Promise<Command> {
    return expectOk<Command>(this.system.missionApi, 'GET', `/commands/${encodeURIComponent(id)}`);
  }

  // telemetry
  flight(flightId: string): Promise<FlightLatest> {
    return expectOk<FlightLatest>(
      this.system.telemetryApi,
      'GET',
      `/flights/${encodeURIComponent(flightId)}`,
    );
  }

  /** The whole timeline, page after page. */
  async timeline(flightId: string): Promise<ProgressReport[]> {
    const items: ProgressReport[] = [];
    let after: string | null = null;
    do {
      const query: string = `?limit=500${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
      const page: ProgressPage = await expectOk<ProgressPage>(
        this.system.telemetryApi,
        'GET',
        `/flights/${encodeURIComponent(flightId)}/progress${query}`,
      );
      items.push(...page.items);
      after = page.next;
    } while (after !== null);
    return items;
  }

  rthTrajectory(flightId: string): Promise<TrajectoryFeature> {
    return expectOk<TrajectoryFeature>(
      this.system.telemetryApi,
      'GET',
      `/flights/${encodeURIComponent(flightId)}/rth-trajectory`,
    );
  }

  dock(gatewaySn: string): Promise<DockLatest> {
    return expectOk<DockLatest>(
      this.system.telemetryApi,
      'GET',
      `/docks/${encodeURIComponent(gatewaySn)}`,
    );
  }

  /** A raw GET, for status checks (404 before anything was stored...). */
  raw(api: 'mission' | 'telemetry' | 'file', path: string): Promise<ApiResponse<unknown>> {
    const endpoint =
      api === 'mission'
        ? this.system.missionApi
        : api === 'telemetry'
          ? this.system.telemetryApi
          : this.system.fileApi;
    return call<unknown>(endpoint, 'GET', path);
  }
}
