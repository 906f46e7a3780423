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
  /** Where the dock stands, from its own osd; null until it reported a fix. */
  readonly position: {
    readonly latitude: number;
    readonly longitude: number;
    readonly height: number | null;
    readonly reportedAt: string;
  } | null;
  readonly updatedAt: string;
  readonly progress: ProgressView | null;
}

/** A device as the registry knows it (GET /organizations/{id}/devices). */
export interface RegistryDevice {
  readonly sn: string;
  readonly gatewaySn: string;
  readonly role: 'gateway' | 'sub_device';
  readonly model: string | null;
  readonly modelKey: string | null;
  readonly firmwareVersion: string | null;
  readonly callsign: string | null;
  readonly online: boolean;
  readonly lastSeenAt: string | null;
}

/** An HMS alert as the alerts service keeps it (GET /hms-alerts). */
export interface HmsAlertView {
  readonly id: string;
  readonly gatewaySn: string;
  readonly flightId: string | null;
  readonly deviceType: string;
  readonly code: string;
  /** 0 notification, 1 reminder, 2 warning. */
  readonly level: number;
  readonly message: string | null;
  readonly active: boolean;
  readonly firstSeenAt: string;
  readonly clearedAt: string | null;
}

/** The live stream's `hms` event: an alert raised or cleared (alerts.hms record). */
export interface HmsLiveRecord {
  readonly type: 'raised' | 'cleared';
  readonly alertId: string;
  readonly gatewaySn: string;
  readonly flightId: string | null;
  readonly deviceType: string;
  readonly code: string;
  readonly level: number;
  readonly message: string | null;
  readonly firstSeenAt: number;
  readonly clearedAt: number | null;
}

/** The live stream's `topology` event: the dock's update_topo (telemetry). */
export interface TopologyLiveRecord {
  readonly gatewaySn: string;
  readonly dockOnline: boolean;
  readonly aircraftOnline: boolean;
  readonly aircraftSn: string | null;
}

/** The live stream's `device` event: the registry's presence or topology change. */
export interface DeviceLiveRecord {
  readonly kind: 'presence' | 'topology' | 'binding';
  readonly gatewaySn: string;
  readonly deviceSn: string;
  readonly role: 'gateway' | 'sub_device';
  readonly model: string | null;
  readonly callsign: string | null;
  readonly online?: boolean;
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

/** An active alert as the fleet list shows it. */
export interface FleetAlert {
  readonly id: string;
  readonly level: number;
  readonly code: string;
  readonly message: string | null;
}

/**
 * One dock as the fleet view shows it: the registry's device (model, firmware, presence), the
 * telemetry's state (current task and progress, position) and the alerts service's active
 * HMS alerts. A part whose service could not be read stays null ("unknown", "n/a").
 */
export interface FleetDock {
  readonly sn: string;
  readonly model: string | null;
  readonly firmwareVersion: string | null;
  readonly callsign: string | null;
  /** Registry presence when known, else telemetry's topology report (dock online). */
  readonly online: boolean | null;
  readonly aircraftSn: string | null;
  readonly aircraftModel: string | null;
  readonly progress: ProgressView | null;
  /** Active HMS alerts; null when the alerts service could not be read. */
  readonly alerts: readonly FleetAlert[] | null;
  /** [longitude, latitude] of the dock, from its telemetry; null when none reported yet. */
  readonly position: readonly [number, number] | null;
}
