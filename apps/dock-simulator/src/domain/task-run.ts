import type { ProgressBreakPoint } from '@dock/protocol';
import { ExitHomingTrigger, GeoPoint } from './behaviour';
import {
  aboveHome,
  buildFlightPlan,
  headingBetween,
  interpolate,
  landing,
  positionOnWayline,
  SEGMENT_MS,
  Stage,
  stagePercent,
  waypointPosition,
} from './flight-plan';

/**
 * One executing task: where it is in the flight script, in simulated time. Pure and I/O-free;
 * the dock machine turns its events into MQTT messages.
 */

export type RunEvent =
  | { readonly kind: 'enter_resource' }
  | { readonly kind: 'enter_download' }
  | { readonly kind: 'finished' }
  | { readonly kind: 'exit_homing'; readonly action: 0 | 1; readonly reason: number };

/** break_reason values as the recorded Dock 3 reported them (1283 + 321000 = 322283, user RTH). */
export const BREAK_REASON_PAUSE = 1281;
export const BREAK_REASON_USER_RTH = 1283;

export interface RunSettings {
  readonly waypoints: number;
  readonly home: GeoPoint;
  readonly quirks: boolean;
  readonly exitHomingTriggers: readonly ExitHomingTrigger[];
}

export class TaskRun {
  private stages: Stage[];
  private stageIndex = 0;
  private elapsedMs = 0;
  private waitingFor: 'resource' | 'download' | null = null;
  private pausedAt: ProgressBreakPoint | null = null;
  private returnBreakPoint: ProgressBreakPoint | null = null;
  private returnFrom: GeoPoint | null = null;
  private hovering = false;
  private resumed = false;
  private done = false;
  private firedTriggers = 0;
  private holdRemainingMs = 0;
  private holdReason = 0;
  private readonly triggers: ExitHomingTrigger[];

  constructor(
    readonly flightId: string,
    readonly trackId: string,
    private readonly settings: RunSettings,
  ) {
    this.stages = buildFlightPlan(settings.waypoints, settings.quirks);
    this.triggers = [...settings.exitHomingTriggers].sort((a, b) => a.afterMs - b.afterMs);
  }

  get stage(): Stage {
    return this.stages[Math.min(this.stageIndex, this.stages.length - 1)] as Stage;
  }
  get step(): number {
    return this.stage.step;
  }
  get percent(): number {
    return this.done ? 100 : stagePercent(this.stage, this.elapsedMs);
  }
  get waiting(): 'resource' | 'download' | null {
    return this.waitingFor;
  }
  get paused(): boolean {
    return this.pausedAt !== null;
  }
  get isHovering(): boolean {
    return this.hovering;
  }
  get returningOnCommand(): boolean {
    return this.returnBreakPoint !== null;
  }
  get finished(): boolean {
    return this.done;
  }
  get breakPoint(): ProgressBreakPoint | undefined {
    return this.pausedAt ?? this.returnBreakPoint ?? undefined;
  }
  /** Out of the dock: between take-off (wayline) and the end of the return. */
  get airborne(): boolean {
    return this.stage.kind === 'wayline' || this.stage.kind === 'return';
  }
  get inReturn(): boolean {
    return this.stage.kind === 'return';
  }

  private get waylineDone(): boolean {
    const wayline = this.stages.findIndex((s) => s.kind === 'wayline');
    return wayline === -1 || this.stageIndex > wayline;
  }

  get waypointIndex(): number {
    if (this.returnBreakPoint) return this.returnBreakPoint.index ?? 0;
    if (this.stage.kind === 'wayline') {
      return Math.min(this.settings.waypoints - 1, Math.floor(this.elapsedMs / SEGMENT_MS));
    }
    return this.waylineDone ? this.settings.waypoints - 1 : 0;
  }

  /** One photo per waypoint reached. */
  get mediaCount(): number {
    if (this.returnBreakPoint) return this.returnBreakPoint.index ?? 0;
    if (this.stage.kind === 'wayline') return Math.floor(this.elapsedMs / SEGMENT_MS);
    return this.waylineDone ? this.settings.waypoints : 0;
  }

  get waylineMissionState(): number {
    if (this.done) return 9;
    if (this.paused) return 7;
    if (this.resumed) return 8;
    switch (this.stage.kind) {
      case 'resource':
      case 'download':
        return 3;
      case 'wayline':
        return this.elapsedMs < SEGMENT_MS ? 5 : 6;
      case 'return':
        return 9;
      default:
        if (this.waylineDone) return 9;
        return this.step >= 15 ? 4 : 2;
    }
  }

  get position(): GeoPoint {
    const home = this.settings.home;
    if (this.stage.kind === 'wayline') {
      const index = this.waypointIndex;
      return positionOnWayline(home, index, this.segmentProgress());
    }
    if (this.stage.kind === 'return') {
      const from = this.returnFrom ?? waypointPosition(home, this.settings.waypoints - 1);
      return interpolate(from, aboveHome(home), this.elapsedMs / this.stage.durationMs);
    }
    return home;
  }

  /** The first leg, home to waypoint 0 (ext.transition_wayline_info while taking off). */
  transitionPath(): GeoPoint[] {
    const home = this.settings.home;
    return [home, aboveHome(home), waypointPosition(home, 0)];
  }

  /** Advances by `dtMs` of simulated time; stops at waits, pauses and the end. */
  advance(dtMs: number): RunEvent[] {
    const events: RunEvent[] = [];
    let left = dtMs;
    for (;;) {
      if (this.done || this.waitingFor || this.pausedAt || this.hovering) break;
      if (this.elapsedMs >= this.stage.durationMs) {
        this.nextStage(events);
        continue;
      }
      if (left <= 0) break;
      left = this.stage.kind === 'return' ? this.advanceReturn(left, events) : this.consume(left);
      if (this.elapsedMs < this.stage.durationMs && left <= 0) break;
    }
    if (events.length > 0 || dtMs > 0) this.resumed = false;
    return events;
  }

  /** The resource reply or the download arrived: on to the next stage. */
  completeWait(): RunEvent[] {
    if (this.waitingFor === null) return [];
    this.waitingFor = null;
    const events: RunEvent[] = [];
    this.nextStage(events);
    return events;
  }

  canPause(): boolean {
    return this.stage.kind === 'wayline' && !this.done;
  }

  pause(): ProgressBreakPoint {
    if (this.pausedAt === null) this.pausedAt = this.breakPointHere(BREAK_REASON_PAUSE);
    return this.pausedAt;
  }

  /** Returns false when there was nothing to resume. */
  resume(): boolean {
    if (this.pausedAt === null) return false;
    this.pausedAt = null;
    this.resumed = true;
    return true;
  }

  /** return_home during the wayline: fly home now; the task will end failed (322283). */
  startReturn(): void {
    if (this.hovering) {
      this.hovering = false;
      return;
    }
    if (this.stage.kind !== 'wayline') return;
    const breakPoint = this.pausedAt ?? this.breakPointHere(BREAK_REASON_USER_RTH);
    this.returnBreakPoint = { ...breakPoint, break_reason: BREAK_REASON_USER_RTH };
    this.returnFrom = this.position;
    this.pausedAt = null;
    this.stages = landing(this.settings.waypoints, this.settings.quirks);
    this.stageIndex = 0;
    this.elapsedMs = 0;
  }

  /** return_home_cancel: the aircraft hovers where it is until told to return again. */
  hover(): boolean {
    if (this.stage.kind !== 'return' || this.hovering) return false;
    this.hovering = true;
    return true;
  }

  private consume(left: number): number {
    const remaining = this.stage.durationMs - this.elapsedMs;
    const used = Math.min(left, remaining);
    this.elapsedMs += used;
    return left - used;
  }

  /** The return stage, where scripted exit-homing triggers suspend the flight home. */
  private advanceReturn(left: number, events: RunEvent[]): number {
    let dt = left;
    while (dt > 0 && this.elapsedMs < this.stage.durationMs) {
      if (this.holdRemainingMs > 0) {
        const used = Math.min(dt, this.holdRemainingMs);
        this.holdRemainingMs -= used;
        dt -= used;
        if (this.holdRemainingMs === 0) {
          events.push({ kind: 'exit_homing', action: 0, reason: this.holdReason });
        }
        continue;
      }
      const trigger = this.triggers[this.firedTriggers];
      const untilTrigger =
        trigger === undefined ? Infinity : Math.max(0, trigger.afterMs - this.elapsedMs);
      const used = Math.min(dt, this.stage.durationMs - this.elapsedMs, untilTrigger);
      this.elapsedMs += used;
      dt -= used;
      if (trigger !== undefined && this.elapsedMs >= trigger.afterMs) {
        this.firedTriggers += 1;
        this.holdReason = trigger.reason;
        events.push({ kind: 'exit_homing', action: 1, reason: trigger.reason });
        if (trigger.holdMs > 0) this.holdRemainingMs = trigger.holdMs;
        else events.push({ kind: 'exit_homing', action: 0, reason: trigger.reason });
      }
    }
    return dt;
  }

  private nextStage(events: RunEvent[]): void {
    if (this.stage.kind === 'return') this.returnFrom = null;
    this.stageIndex += 1;
    this.elapsedMs = 0;
    if (this.stageIndex >= this.stages.length) {
      this.stageIndex = this.stages.length - 1;
      this.elapsedMs = this.stage.durationMs;
      this.done = true;
      events.push({ kind: 'finished' });
      return;
    }
    const kind = this.stage.kind;
    if (kind === 'resource' || kind === 'download') {
      this.waitingFor = kind;
      events.push({ kind: kind === 'resource' ? 'enter_resource' : 'enter_download' });
    }
  }

  private segmentProgress(): number {
    const index = this.waypointIndex;
    return Math.min(1, Math.max(0, (this.elapsedMs - index * SEGMENT_MS) / SEGMENT_MS));
  }

  private breakPointHere(breakReason: number): ProgressBreakPoint {
    const index = this.waypointIndex;
    const position = this.position;
    const from =
      index === 0 ? aboveHome(this.settings.home) : waypointPosition(this.settings.home, index - 1);
    return {
      index,
      state: 0,
      progress: Math.round(this.segmentProgress() * 1e4) / 1e4,
      wayline_id: 0,
      break_reason: breakReason,
      latitude: position.latitude,
      longitude: position.longitude,
      height: position.height,
      attitude_head: headingBetween(from, waypointPosition(this.settings.home, index)),
    };
  }
}
