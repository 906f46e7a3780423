import type { MediaUploadBehaviour } from './media-upload';
/**
 * How a simulated dock behaves: everything a scenario can change. Times named `...Ms` are wall
 * clock; flight times (the script in flight-plan.ts, exit-homing triggers) are simulated and run
 * `speed` times faster than the wall clock.
 */

/** Refuse a service with `code`: always, or only the first `times` calls (to act out retries). */
export interface ReplyOverride {
  readonly code: number;
  readonly times?: number;
}

/**
 * A scripted exit from return-to-home: `afterMs` of simulated return flight, the aircraft enters
 * the exiting-RTH state (device_exit_homing_notify action 1 with `reason`), holds for `holdMs`
 * (the return is suspended), then leaves it (action 0) and carries on home.
 */
export interface ExitHomingTrigger {
  readonly afterMs: number;
  readonly reason: number;
  readonly holdMs: number;
}

/** A dock that drops off the network mid-task: `afterMs` after execute, back `reconnectAfterMs` later. */
export interface OfflineScript {
  readonly afterMs: number;
  readonly reconnectAfterMs: number;
}

/** The licence a dock expects in the config reply; fields not given are only checked non-empty. */
export interface LicenceExpectation {
  readonly app_id?: string;
  readonly app_key?: string;
  readonly app_license?: string;
}

/** What an operator types in Pilot 2 to bind the dock (airport_organization_get / _bind). */
export interface OrganizationToJoin {
  readonly id: string;
  readonly bindingCode: string;
}

/** Stop publishing `afterMs` after the licence was first accepted: for `forMs`, or for good. */
export interface SilenceScript {
  readonly afterMs: number;
  readonly forMs?: number;
}

export interface GeoPoint {
  readonly latitude: number;
  readonly longitude: number;
  readonly height: number;
}

export interface DockBehaviour {
  readonly osdIntervalMs: number;
  /** How often a running task reports flighttask_progress (and the machine advances). */
  readonly progressIntervalMs: number;
  /** Time compression of the flight: 10 flies the script ten times faster than real time. */
  readonly speed: number;
  readonly waypoints: number;
  /** Aircraft battery at start, %. It drains in flight and charges in the dock. */
  readonly battery: number;
  /** Per service method. */
  readonly replyCodes: Readonly<Record<string, ReplyOverride>>;
  /** Per service method: how long the dock takes before it handles (and answers) a command. */
  readonly replyLatencyMs: Readonly<Record<string, number>>;
  /** Per service method: the command is lost, neither answered nor acted on. */
  readonly neverReply: readonly string[];
  /** Send the traps of the spec README (timestamp: key, enum strings, flat progress...). */
  readonly quirks: boolean;
  readonly exitHomingTriggers: readonly ExitHomingTrigger[];
  readonly offline?: OfflineScript;
  /** How long an event (need_reply), update_topo or request waits for its reply. */
  readonly replyTimeoutMs: number;
  readonly home: GeoPoint;
  /** Raise, repeat and clear an HMS alert mid-flight (see hms-script.ts). */
  readonly hms?: boolean;
  readonly expectedLicence: LicenceExpectation;
  /** Joined when airport_bind_status says the dock is not bound. */
  readonly organization?: OrganizationToJoin;
  /** After a refused licence, how long the dock stays away before it connects and asks again. */
  readonly licenceRetryMs: number;
  readonly silence?: SilenceScript;
  /** After each flight with photos: ask storage_config_get, upload real JPEGs, report each. */
  readonly media?: MediaUploadBehaviour;
}

export const DEFAULT_BEHAVIOUR: DockBehaviour = {
  osdIntervalMs: 2000,
  progressIntervalMs: 1000,
  speed: 1,
  waypoints: 8,
  battery: 100,
  replyCodes: {},
  replyLatencyMs: {},
  neverReply: [],
  quirks: false,
  exitHomingTriggers: [],
  replyTimeoutMs: 15_000,
  // The recorded Dock 3's home, so maps of simulated flights look plausible.
  home: { latitude: 29.9235956, longitude: 121.6634755, height: 41.66 },
  expectedLicence: {},
  licenceRetryMs: 30_000,
};

export function behaviourWith(overrides: Partial<DockBehaviour> = {}): DockBehaviour {
  return { ...DEFAULT_BEHAVIOUR, ...overrides };
}
