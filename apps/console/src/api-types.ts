/** The shapes the console reads, as the services' OpenAPI documents them (docs/openapi/). */

export interface ProgressView {
  readonly flightId: string;
  readonly gatewaySn: string;
  readonly reportedAt: string;
  readonly status: string;
  readonly statusLabel: string;
  readonly final: boolean;
  readonly result: number;
  readonly resultMeaning: string;
  readonly currentStep: number | null;
  readonly currentStepLabel: string | null;
  readonly percent: number | null;
  readonly waypointIndex: number | null;
  readonly mediaCount: number | null;
  readonly breakPoint: { readonly index?: number; readonly stateLabel: string | null } | null;
}

export interface DockView {
  readonly gatewaySn: string;
  readonly dockOnline: boolean | null;
  readonly aircraftOnline: boolean | null;
  readonly aircraftSn: string | null;
  readonly lastRthFlightId: string | null;
  readonly updatedAt: string;
  readonly progress: ProgressView | null;
}

export interface TrajectoryFeature {
  readonly type: 'Feature';
  readonly geometry: { readonly type: string; readonly coordinates: unknown };
  readonly properties: {
    readonly flightId?: string | null;
    readonly gatewaySn?: string;
    readonly connectsToReturnPoint?: boolean;
  };
}

export interface ExitHomingView {
  readonly gatewaySn: string;
  readonly reportedAt: string;
  readonly action: number;
  readonly actionLabel: string;
  readonly reason: number;
  readonly reasonLabel: string;
}

export interface ResultView {
  readonly code: number | null;
  readonly meaning: string | null;
}

export interface TransitionView {
  readonly from: string | null;
  readonly to: string;
  readonly cause: string;
  readonly resultCode: number | null;
  readonly resultMeaning: string | null;
  readonly at: number;
}

export interface TaskView {
  readonly flightId: string;
  readonly name: string;
  readonly gatewaySn: string;
  readonly waylineId: string;
  readonly taskType: string;
  readonly state: string;
  readonly result: ResultView;
  readonly lastCause: string;
  readonly createdAt?: number;
  readonly breakPoint: unknown;
  readonly progress: { readonly percent?: number | null; readonly breakPoint?: unknown } | null;
  readonly history?: readonly TransitionView[];
}

export interface CommandView {
  readonly id: string;
  readonly gatewaySn: string;
  readonly method: string;
  readonly state: 'pending' | 'accepted' | 'refused' | 'timeout' | 'invalid';
  readonly result: ResultView;
  readonly error: string | null;
}

export interface WaylineView {
  readonly id: string;
  readonly name: string;
  readonly fingerprint: string;
}

export interface PlanView {
  readonly id: string;
  readonly name: string;
  readonly gatewaySn: string;
  readonly cron: string;
  readonly state: string;
}

/**
 * One dock as the fleet view shows it. `model`, `presence` and `alerts` come from services
 * being built (registry, alerts): null until ApiClient.fleet() reads them.
 */
export interface FleetDock {
  readonly sn: string;
  readonly model: string | null;
  readonly callsign: string | null;
  /** Registry presence when known, else telemetry's topology report (dock online). */
  readonly online: boolean | null;
  readonly aircraftSn: string | null;
  readonly progress: ProgressView | null;
  readonly alerts: readonly { readonly level: string; readonly message: string }[] | null;
  /** [longitude, latitude] of the dock, from its telemetry; null when none reported yet. */
  readonly position: readonly [number, number] | null;
}
