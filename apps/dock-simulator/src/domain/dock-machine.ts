import type {
  FlighttaskExecuteData,
  FlighttaskPrepareData,
  FlighttaskResourceGetReplyData,
  StorageConfigGetReplyData,
  FlighttaskUndoData,
} from '@dock/protocol';
import { DockBehaviour } from './behaviour';
import { planMediaFiles, PlannedMediaFile } from './media-upload';
import { hmsListAt } from './hms-script';
import { dockOsdData, progressData, updateTopoData } from './dock-messages';
import { plannedReturnPath } from './flight-plan';
import { decodeInbound } from './inbound';
import { DeferredService, Effect, Outbound } from './outbound';
import { Onboarding, OnboardingStep, OnboardingView } from './onboarding';
import { LedgerCounts, ReplyLedger } from './reply-ledger';
import { MIN_TAKEOFF_BATTERY, RESULT } from './result-codes';
import { TaskBook, TaskRecord, TaskState, TaskView } from './task-book';
import { RunEvent, TaskRun } from './task-run';

/**
 * One simulated dock as a state machine. Inputs are method calls carrying the current time;
 * outputs are Effect values (publish, defer, download, disconnect...). No I/O, no timers, no
 * randomness: ids come from the injected `newId`, so tests are deterministic.
 */

export interface DockIdentity {
  readonly sn: string;
  readonly aircraftSn: string;
}

export interface DockMachineOptions extends DockIdentity {
  readonly behaviour: DockBehaviour;
  readonly newId: () => string;
  readonly now: number;
}

export type DockPhase = 'idle' | 'executing' | 'paused' | 'returning' | 'hovering';

export interface InboxEntry {
  readonly at: number;
  readonly family: string;
  readonly method: string | null;
  readonly tid: string;
  readonly invalid?: string;
}

export interface DockCounters {
  /** `events:flighttask_progress` -> messages published */
  readonly published: Record<string, number>;
  readonly servicesReceived: Record<string, number>;
  /** `flighttask_execute=0` -> services_reply sent with that result */
  readonly serviceResults: Record<string, number>;
  servicesLost: number;
  ignoredInbound: number;
  droppedOffline: number;
  /** Not published because the dock was told to go silent (presence demos). */
  silenced: number;
  connects: number;
  disconnects: number;
}

export interface DockSnapshot extends DockIdentity {
  readonly online: boolean;
  readonly phase: DockPhase;
  readonly battery: number;
  readonly activeFlightId: string | null;
  readonly tasks: TaskView[];
  readonly counters: DockCounters;
  readonly replies: LedgerCounts;
  /** config (licence) and organization binding, as on every connection. */
  readonly onboarding: OnboardingView;
  /** The last inbound messages (bounded), newest last. */
  readonly inbox: readonly InboxEntry[];
}

const INBOX_LIMIT = 200;
/** Battery: % per simulated minute. An M4TD flies ~45 min; a dock charges ~20->90 % in 25 min. */
const DRAIN_PER_MIN = 2;
const CHARGE_PER_MIN = 3;

export class DockMachine {
  readonly sn: string;
  readonly aircraftSn: string;
  private readonly behaviour: DockBehaviour;
  private readonly newId: () => string;
  private readonly ledger: ReplyLedger;
  private readonly tasks = new TaskBook();
  private readonly overridesUsed = new Map<string, number>();
  private readonly inbox: InboxEntry[] = [];
  private readonly counters: DockCounters = {
    published: {},
    servicesReceived: {},
    serviceResults: {},
    servicesLost: 0,
    ignoredInbound: 0,
    droppedOffline: 0,
    silenced: 0,
    connects: 0,
    disconnects: 0,
  };
  private online = false;
  private battery: number;
  private lastTickAt: number;
  private run: TaskRun | null = null;
  private resourceTid: string | null = null;
  private resourceFile: { url: string; fingerprint: string } | null = null;
  /** storage_config_get tid -> the flight (and its photo count) whose media waits for credentials. */
  private readonly mediaTids = new Map<string, { flightId: string; count: number }>();
  private progressNeedsReply = false;
  private outage: { disconnectAt: number; reconnectAt: number; done: boolean } | null = null;
  private jobNumber = 0;
  private ticks = 0;
  private hmsFlight: string | null = null;
  private hmsTicks = 0;
  private readonly onboarding: Onboarding;
  /** tid -> method of the onboarding requests awaiting their requests_reply. */
  private readonly onboardingTids = new Map<string, string>();
  private licensedAt: number | null = null;
  private licenceRetryAt: number | null = null;

  constructor(options: DockMachineOptions) {
    this.sn = options.sn;
    this.aircraftSn = options.aircraftSn;
    this.behaviour = options.behaviour;
    this.newId = options.newId;
    this.ledger = new ReplyLedger(options.behaviour.replyTimeoutMs);
    this.battery = options.behaviour.battery;
    this.lastTickAt = options.now;
    this.onboarding = new Onboarding(
      { sn: options.sn, aircraftSn: options.aircraftSn },
      options.behaviour.expectedLicence,
      options.behaviour.organization,
    );
  }

  // ---- connection -------------------------------------------------------------------------

  /**
   * MQTT connected (and subscribed): ask for the configuration (onboarding.ts). The dock and
   * its aircraft are announced (update_topo) once the licence in the reply is accepted.
   */
  connected(now: number): Effect[] {
    this.online = true;
    this.counters.connects += 1;
    this.licenceRetryAt = null;
    return this.onboardingStep(this.onboarding.connected(), now);
  }

  disconnected(): void {
    if (!this.online) return;
    this.online = false;
    this.counters.disconnects += 1;
    this.onboarding.disconnected();
    this.onboardingTids.clear();
    // Clean session: replies published while we are away are lost, through no fault of the cloud.
    this.ledger.abandonAll();
  }

  private onboardingStep(step: OnboardingStep, now: number): Effect[] {
    const effects: Effect[] = step.logs.map((log) => ({
      kind: 'log' as const,
      ...log,
      context: { sn: this.sn, ...log.context },
    }));
    if (step.licensed) {
      this.licensedAt ??= now;
      const tid = this.newId();
      this.ledger.expect('status_reply', tid, 'update_topo', now);
      effects.push(
        ...this.publish({
          family: 'status',
          method: 'update_topo',
          tid,
          bid: this.newId(),
          timestamp: now,
          data: updateTopoData(this.aircraftSn),
        }),
      );
    }
    for (const request of step.requests) {
      const tid = this.newId();
      const sent = this.publish({
        family: 'requests',
        method: request.method,
        tid,
        bid: this.newId(),
        timestamp: now,
        data: request.data,
      });
      if (sent.length > 0) {
        this.ledger.expect('requests_reply', tid, request.method, now);
        this.onboardingTids.set(tid, request.method);
      }
      effects.push(...sent);
    }
    if (step.disconnect) {
      this.disconnected();
      // A real dock keeps trying its broker; this one after licenceRetryMs.
      this.licenceRetryAt = now + this.behaviour.licenceRetryMs;
      effects.push({ kind: 'disconnect' });
    }
    return effects;
  }

  // ---- inbound ----------------------------------------------------------------------------

  receive(topic: string, payload: Buffer | string, now: number): Effect[] {
    const inbound = decodeInbound(this.sn, topic, payload);
    if (inbound.kind === 'ignored') {
      this.counters.ignoredInbound += 1;
      return [];
    }
    this.remember({
      at: now,
      family: inbound.kind === 'service' ? 'services' : inbound.family,
      method: inbound.method,
      tid: inbound.tid,
      ...(inbound.invalid === undefined ? {} : { invalid: inbound.invalid }),
    });
    if (inbound.kind === 'reply') return this.onReply(inbound.family, inbound, now);

    const method = inbound.method;
    bump(this.counters.servicesReceived, method);
    if (this.behaviour.neverReply.includes(method)) {
      this.counters.servicesLost += 1;
      return [];
    }
    const service: DeferredService = {
      method,
      tid: inbound.tid,
      bid: inbound.bid,
      data: inbound.data,
      ...(inbound.invalid === undefined ? {} : { invalid: inbound.invalid }),
    };
    const latency = this.behaviour.replyLatencyMs[method] ?? 0;
    if (latency > 0) return [{ kind: 'defer', delayMs: latency, service }];
    return this.handleService(service, now);
  }

  /** Handles (and answers) a service now; the adapter calls it again for deferred ones. */
  handleService(service: DeferredService, now: number): Effect[] {
    const override = this.behaviour.replyCodes[service.method];
    if (override !== undefined) {
      const used = this.overridesUsed.get(service.method) ?? 0;
      if (override.times === undefined || used < override.times) {
        this.overridesUsed.set(service.method, used + 1);
        return this.reply(service, now, override.code);
      }
    }
    if (service.invalid !== undefined) return this.reply(service, now, RESULT.INVALID_COMMAND);

    switch (service.method) {
      case 'flighttask_prepare':
        return this.onPrepare(service, service.data as FlighttaskPrepareData, now);
      case 'flighttask_execute':
        return this.onExecute(service, service.data as FlighttaskExecuteData, now);
      case 'flighttask_undo':
        return this.onUndo(service, service.data as FlighttaskUndoData, now);
      case 'flighttask_pause':
        return this.onPause(service, now);
      case 'flighttask_recovery':
        return this.onRecovery(service, now);
      case 'return_home':
        return this.onReturnHome(service, now);
      case 'return_home_cancel':
        return this.onReturnHomeCancel(service, now);
      default:
        // flighttask_create (deprecated), camera and DRC commands: this dock does not do them.
        return this.reply(service, now, RESULT.NOT_SUPPORTED_IN_STATE);
    }
  }

  // ---- services ---------------------------------------------------------------------------

  private onPrepare(service: DeferredService, data: FlighttaskPrepareData, now: number): Effect[] {
    if (this.run?.flightId === data.flight_id) {
      return this.reply(service, now, RESULT.OTHER_TASK_RUNNING);
    }
    // A timed task whose time has long passed cannot be prepared any more.
    if (
      data.task_type === 1 &&
      data.execute_time !== undefined &&
      data.execute_time < now - 60_000
    ) {
      return this.reply(service, now, RESULT.TASK_EXPIRED);
    }
    this.tasks.prepare(data, now);
    return this.reply(service, now, RESULT.OK);
  }

  private onExecute(service: DeferredService, data: FlighttaskExecuteData, now: number): Effect[] {
    if (this.run !== null) return this.reply(service, now, RESULT.OTHER_TASK_RUNNING);
    const task = this.tasks.get(data.flight_id);
    if (task === undefined || task.state !== 'prepared') {
      return this.reply(service, now, RESULT.TASK_EXPIRED);
    }
    const refusal = this.executeRefusal(task, now);
    if (refusal !== null) return this.reply(service, now, refusal);

    task.state = 'executing';
    this.jobNumber += 1;
    this.run = new TaskRun(task.flightId, this.newId(), {
      waypoints: this.behaviour.waypoints,
      home: this.behaviour.home,
      quirks: this.behaviour.quirks,
      exitHomingTriggers: this.behaviour.exitHomingTriggers,
    });
    this.resourceTid = null;
    this.resourceFile = null;
    const offline = this.behaviour.offline;
    this.outage = offline
      ? {
          disconnectAt: now + offline.afterMs,
          reconnectAt: now + offline.afterMs + offline.reconnectAfterMs,
          done: false,
        }
      : null;
    // The step-5 "sent" report comes right after the reply, as the dock accepts the task.
    return [
      ...this.reply(service, now, RESULT.OK),
      ...this.progressEffect(now, { status: 'sent', step: 5, percent: 0, needReply: true }),
    ];
  }

  private executeRefusal(task: TaskRecord, now: number): number | null {
    if (task.taskType === 2 && task.prepare.ready_conditions !== undefined) {
      const { battery_capacity, begin_time, end_time } = task.prepare.ready_conditions;
      if (now > end_time) return RESULT.TASK_EXPIRED;
      if (now < begin_time) return RESULT.NOT_SUPPORTED_IN_STATE;
      if (this.battery < battery_capacity) return RESULT.BELOW_READY_BATTERY;
    }
    if (this.battery < MIN_TAKEOFF_BATTERY) return RESULT.BATTERY_TOO_LOW;
    return null;
  }

  private onUndo(service: DeferredService, data: FlighttaskUndoData, now: number): Effect[] {
    if (this.run !== null && data.flight_ids.includes(this.run.flightId)) {
      return this.reply(service, now, RESULT.CANNOT_UNDO_RUNNING);
    }
    for (const flightId of data.flight_ids) {
      const task = this.tasks.get(flightId);
      if (task?.state === 'prepared') this.end(task, 'undone', 0, now);
    }
    return this.reply(service, now, RESULT.OK);
  }

  private onPause(service: DeferredService, now: number): Effect[] {
    const run = this.run;
    if (run === null || !run.canPause() || run.returningOnCommand) {
      return this.reply(service, now, RESULT.CANNOT_PAUSE);
    }
    if (run.paused) return this.reply(service, now, RESULT.OK);
    run.pause();
    return [
      ...this.reply(service, now, RESULT.OK),
      ...this.progressEffect(now, { status: 'paused', needReply: true }),
    ];
  }

  private onRecovery(service: DeferredService, now: number): Effect[] {
    const run = this.run;
    if (run === null || !run.resume()) return this.reply(service, now, RESULT.RECOVERY_FAILED);
    return [
      ...this.reply(service, now, RESULT.OK),
      ...this.progressEffect(now, { status: 'in_progress', needReply: true }),
    ];
  }

  private onReturnHome(service: DeferredService, now: number): Effect[] {
    const run = this.run;
    if (run === null || !run.airborne) {
      // The aircraft is in the dock: there is no home to return to.
      return this.reply(service, now, RESULT.NOT_SUPPORTED_IN_STATE, { status: 'rejected' });
    }
    run.startReturn();
    this.progressNeedsReply = true;
    return [
      ...this.reply(service, now, RESULT.OK, { status: 'in_progress' }),
      ...this.returnHomeInfo(run, now),
    ];
  }

  private onReturnHomeCancel(service: DeferredService, now: number): Effect[] {
    if (this.run === null || !this.run.hover()) {
      return this.reply(service, now, RESULT.RTH_CANCEL_FAILED);
    }
    return this.reply(service, now, RESULT.OK);
  }

  // ---- replies from the cloud -------------------------------------------------------------

  private onReply(
    family: 'events_reply' | 'status_reply' | 'requests_reply',
    reply: { tid: string; data: unknown; invalid?: string },
    now: number,
  ): Effect[] {
    const settled = this.ledger.settle(family, reply.tid, now);
    if (family !== 'requests_reply' || settled.outcome !== 'answered') return [];
    const onboardingMethod = this.onboardingTids.get(reply.tid);
    if (onboardingMethod !== undefined) {
      this.onboardingTids.delete(reply.tid);
      return this.onboardingStep(
        this.onboarding.replied({
          method: onboardingMethod,
          data: reply.data,
          ...(reply.invalid === undefined ? {} : { invalid: reply.invalid }),
        }),
        now,
      );
    }
    const media = this.mediaTids.get(reply.tid);
    if (media !== undefined) {
      this.mediaTids.delete(reply.tid);
      return this.mediaCredentials(media, reply);
    }
    if (this.run === null || this.resourceTid !== reply.tid) return [];
    this.resourceTid = null;
    const data = reply.data as FlighttaskResourceGetReplyData;
    if (reply.invalid !== undefined || data.result !== 0 || data.output === undefined) {
      return this.fail(RESULT.KMZ_UNAVAILABLE, now);
    }
    this.resourceFile = data.output.file;
    return this.afterRunEvents(this.run.completeWait(), now);
  }

  // ---- media upload (dock-media-upload.md) ---------------------------------------------------

  /** After a flight with photos: ask for storage credentials (behaviour.media set). */
  private requestMediaUpload(flightId: string, count: number, now: number): Effect[] {
    if (this.behaviour.media === undefined || count <= 0) return [];
    const tid = this.newId();
    const sent = this.publish({
      family: 'requests',
      method: 'storage_config_get',
      tid,
      bid: this.newId(),
      timestamp: now,
      data: { module: 0 },
    });
    if (sent.length > 0) {
      this.ledger.expect('requests_reply', tid, 'storage_config_get', now);
      this.mediaTids.set(tid, { flightId, count });
    }
    return sent;
  }

  private mediaCredentials(
    media: { flightId: string; count: number },
    reply: { data: unknown; invalid?: string },
  ): Effect[] {
    const data = reply.data as StorageConfigGetReplyData;
    if (reply.invalid !== undefined || data.result !== 0 || data.output === undefined) {
      return [
        {
          kind: 'log',
          level: 'warn',
          message: 'storage_config_get refused: media not uploaded',
          context: {
            sn: this.sn,
            flightId: media.flightId,
            result: data.result,
            invalid: reply.invalid,
          },
        },
      ];
    }
    const files = planMediaFiles(
      data.output,
      this.sn,
      media.flightId,
      media.count,
      this.behaviour.media ?? {},
    );
    return [{ kind: 'upload', flightId: media.flightId, config: data.output, files }];
  }

  /** One file reached storage (or not): an uploaded one is reported, the first twice on `duplicate`. */
  mediaUploaded(
    flightId: string,
    file: PlannedMediaFile,
    expected: number,
    outcome: { error?: string },
    now: number,
  ): Effect[] {
    if (outcome.error !== undefined) {
      return [
        {
          kind: 'log',
          level: 'warn',
          message: 'media upload failed',
          context: { sn: this.sn, flightId, objectKey: file.objectKey, error: outcome.error },
        },
      ];
    }
    const bid = this.newId();
    const data = {
      file: {
        object_key: file.objectKey,
        path: flightId,
        name: file.name,
        cloud_to_cloud_id: 'DEFAULT',
        ext: {
          flight_id: flightId,
          drone_model_key: '0-91-0',
          payload_model_key: '1-80-0',
          is_original: true,
        },
        metadata: {
          gimbal_yaw_degree: -90,
          absolute_altitude: this.behaviour.home.height + 60,
          relative_altitude: 60,
          create_time: new Date(now).toISOString(),
          shoot_position: {
            lat: this.behaviour.home.latitude + file.index * 0.0001,
            lng: this.behaviour.home.longitude,
          },
        },
      },
      flight_task: {
        uploaded_file_count: file.index,
        expected_file_count: expected,
        flight_type: 0,
      },
    };
    const tid = this.newId();
    const message = {
      family: 'events' as const,
      method: 'file_upload_callback',
      tid,
      bid,
      timestamp: now,
      data,
      needReply: true,
    };
    const effects = this.publish(message);
    if (effects.length > 0) this.ledger.expect('events_reply', tid, 'file_upload_callback', now);
    // A dock that missed the events_reply sends the same callback again (same tid and bid).
    if (file.index === 1 && this.behaviour.media?.duplicate) effects.push(...this.publish(message));
    return effects;
  }

  /** The KMZ download ended: `md5` of the bytes, or `error` when it could not be fetched. */
  downloadFinished(
    flightId: string,
    outcome: { md5?: string; error?: string },
    now: number,
  ): Effect[] {
    const run = this.run;
    if (run === null || run.flightId !== flightId || run.waiting !== 'download') return [];
    const expected = this.resourceFile?.fingerprint.toLowerCase();
    if (outcome.md5 === undefined) return this.fail(RESULT.KMZ_UNAVAILABLE, now);
    if (outcome.md5.toLowerCase() !== expected) return this.fail(RESULT.MD5_MISMATCH, now);
    return this.afterRunEvents(run.completeWait(), now);
  }

  // ---- time -------------------------------------------------------------------------------

  /** Called every progress interval: advances the flight, reports, checks deadlines. */
  tick(now: number): Effect[] {
    const dtWall = Math.max(0, now - this.lastTickAt);
    this.lastTickAt = now;
    const simMinutes = (dtWall * this.behaviour.speed) / 60_000;
    const effects: Effect[] = [];

    for (const overdue of this.ledger.expire(now)) {
      if (overdue.kind === 'requests_reply' && overdue.tid === this.resourceTid) {
        this.resourceTid = null;
        effects.push(...this.fail(RESULT.KMZ_UNAVAILABLE, now));
      }
      const onboardingMethod =
        overdue.kind === 'requests_reply' ? this.onboardingTids.get(overdue.tid) : undefined;
      if (onboardingMethod !== undefined) {
        this.onboardingTids.delete(overdue.tid);
        effects.push(...this.onboardingStep(this.onboarding.unanswered(onboardingMethod), now));
      }
    }
    if (!this.online && this.licenceRetryAt !== null && now >= this.licenceRetryAt) {
      this.licenceRetryAt = null;
      effects.push({ kind: 'reconnect' });
    }
    effects.push(...this.scriptedOutage(now));

    const run = this.run;
    if (run === null) {
      this.battery = Math.min(100, this.battery + CHARGE_PER_MIN * simMinutes);
      effects.push(...this.announceReadyTasks(now));
      return effects;
    }
    if (run.airborne) this.battery = Math.max(0, this.battery - DRAIN_PER_MIN * simMinutes);
    const events = run.advance(dtWall * this.behaviour.speed);
    effects.push(...this.afterRunEvents(events, now));
    if (this.run === run && !run.finished) {
      effects.push(...this.progressEffect(now, { status: run.paused ? 'paused' : 'in_progress' }));
      if (run.airborne) effects.push(...this.returnHomeInfo(run, now));
      if (run.airborne && this.behaviour.quirks) effects.push(...this.unmodelledEvents(now));
      if (run.airborne && this.behaviour.hms) effects.push(...this.hmsEffect(run, now));
    }
    return effects;
  }

  osd(now: number): Effect[] {
    // A dock without an accepted licence is not on the cloud yet: no telemetry.
    if (!this.onboarding.licensed) return [];
    const run = this.run;
    const data = dockOsdData({
      aircraftSn: this.aircraftSn,
      battery: this.battery,
      charging: run === null && this.battery < 100,
      flying: run?.airborne ?? false,
      working: run !== null,
      home: this.behaviour.home,
      jobNumber: this.jobNumber,
    });
    return [
      ...this.publish({
        family: 'osd',
        method: null,
        tid: this.newId(),
        bid: this.newId(),
        timestamp: now,
        data,
      }),
    ];
  }

  setBattery(percent: number): void {
    this.battery = Math.min(100, Math.max(0, percent));
  }

  snapshot(): DockSnapshot {
    return {
      sn: this.sn,
      aircraftSn: this.aircraftSn,
      online: this.online,
      phase: this.phase(),
      battery: Math.round(this.battery * 10) / 10,
      activeFlightId: this.run?.flightId ?? null,
      tasks: this.tasks.views(),
      counters: {
        ...this.counters,
        published: { ...this.counters.published },
        servicesReceived: { ...this.counters.servicesReceived },
        serviceResults: { ...this.counters.serviceResults },
      },
      replies: this.ledger.counts(),
      onboarding: this.onboarding.view(),
      inbox: [...this.inbox],
    };
  }

  /** No task open and no reply awaited. */
  isIdle(): boolean {
    return this.run === null && this.tasks.openCount() === 0 && this.ledger.counts().pending === 0;
  }

  // ---- internals --------------------------------------------------------------------------

  private phase(): DockPhase {
    const run = this.run;
    if (run === null) return 'idle';
    if (run.paused) return 'paused';
    if (run.isHovering) return 'hovering';
    if (run.inReturn) return 'returning';
    return 'executing';
  }

  private afterRunEvents(events: RunEvent[], now: number): Effect[] {
    const effects: Effect[] = [];
    const run = this.run;
    if (run === null) return effects;
    for (const event of events) {
      switch (event.kind) {
        case 'enter_resource': {
          const tid = this.newId();
          this.resourceTid = tid;
          this.ledger.expect('requests_reply', tid, 'flighttask_resource_get', now);
          effects.push(...this.progressEffect(now, { status: 'in_progress' }));
          effects.push(
            ...this.publish({
              family: 'requests',
              method: 'flighttask_resource_get',
              tid,
              bid: this.newId(),
              timestamp: now,
              data: { flight_id: run.flightId },
            }),
          );
          break;
        }
        case 'enter_download':
          effects.push(...this.progressEffect(now, { status: 'in_progress' }));
          if (this.resourceFile !== null) {
            effects.push({ kind: 'download', flightId: run.flightId, ...this.resourceFile });
          }
          break;
        case 'exit_homing':
          effects.push(
            ...this.event(now, 'device_exit_homing_notify', this.newId(), true, {
              action: event.action,
              reason: event.reason,
              sn: this.sn,
            }),
          );
          break;
        case 'finished':
          effects.push(...this.finish(run, now));
          break;
      }
    }
    return effects;
  }

  private finish(run: TaskRun, now: number): Effect[] {
    const returned = run.returningOnCommand;
    // As the recorded Dock 3: a return_home ends the task failed with 322283 and its break point.
    const status = returned ? 'failed' : 'ok';
    const result = returned ? RESULT.USER_TRIGGERED_RTH : RESULT.OK;
    const effects: Effect[] = [
      // The last return_home_info carries only the flight id (the route is flown).
      ...this.event(now, 'return_home_info', this.newId(), false, { flight_id: run.flightId }),
      ...this.progressEffect(now, { status, result, needReply: true }),
    ];
    const photos = run.mediaCount;
    this.closeRun(status, result, now);
    effects.push(...this.requestMediaUpload(run.flightId, photos, now));
    return effects;
  }

  private fail(result: number, now: number): Effect[] {
    if (this.run === null) return [];
    const effects = this.progressEffect(now, { status: 'failed', result, needReply: true });
    this.closeRun('failed', result, now);
    return effects;
  }

  private closeRun(state: TaskState, result: number, now: number): void {
    const run = this.run;
    if (run === null) return;
    const task = this.tasks.get(run.flightId);
    if (task) this.end(task, state, result, now);
    this.run = null;
    this.resourceTid = null;
    this.resourceFile = null;
  }

  private end(task: TaskRecord, state: TaskState, result: number, now: number): void {
    task.state = state;
    task.result = result;
    task.endedAt = now;
  }

  private announceReadyTasks(now: number): Effect[] {
    const ready: string[] = [];
    for (const task of this.tasks.conditional()) {
      const conditions = task.prepare.ready_conditions;
      const holds =
        conditions !== undefined &&
        this.battery >= conditions.battery_capacity &&
        now >= conditions.begin_time &&
        now <= conditions.end_time;
      if (holds && !task.readyAnnounced) ready.push(task.flightId);
      // Announced again if the conditions stop holding and come back (battery drained...).
      task.readyAnnounced = holds;
    }
    if (ready.length === 0) return [];
    return this.event(now, 'flighttask_ready', this.newId(), true, { flight_ids: ready });
  }

  /**
   * Quirks: methods the spec never names, as the Dock 3 sends them in flight: `hms` without
   * need_reply, `airsense_warning` with `data` as an array and, now and then, need_reply 1.
   */
  private unmodelledEvents(now: number): Effect[] {
    this.ticks += 1;
    const effects: Effect[] = [];
    if (this.ticks % 5 === 0) {
      effects.push(...this.event(now, 'hms', this.newId(), false, { list: [] }));
    }
    if (this.ticks % 8 === 0) {
      const warning = [{ icao: 'SIM0001', level: 0, latitude: 0, longitude: 0, altitude: 0 }];
      effects.push(
        ...this.event(now, 'airsense_warning', this.newId(), this.ticks % 16 === 0, warning),
      );
    }
    return effects;
  }

  /** `--hms`: the complete alert set each airborne tick, from hms-script.ts. */
  private hmsEffect(run: TaskRun, now: number): Effect[] {
    if (this.hmsFlight !== run.flightId) {
      this.hmsFlight = run.flightId;
      this.hmsTicks = 0;
    }
    this.hmsTicks += 1;
    return this.event(now, 'hms', this.newId(), false, { list: hmsListAt(this.hmsTicks) });
  }

  private scriptedOutage(now: number): Effect[] {
    const outage = this.outage;
    if (outage === null || outage.done) return [];
    if (this.online && now >= outage.disconnectAt && now < outage.reconnectAt) {
      this.disconnected();
      return [{ kind: 'disconnect' }];
    }
    if (!this.online && now >= outage.reconnectAt) {
      outage.done = true;
      return [{ kind: 'reconnect' }];
    }
    return [];
  }

  private progressEffect(
    now: number,
    report: {
      status: string;
      step?: number;
      percent?: number;
      result?: number;
      needReply?: boolean;
    },
  ): Effect[] {
    const run = this.run as TaskRun;
    const step = report.step ?? run.step;
    const percent = report.percent ?? run.percent;
    const task = this.tasks.get(run.flightId);
    if (task) {
      task.step = step;
      task.percent = percent;
      task.waypointIndex = run.waypointIndex;
    }
    const needReply = report.needReply === true || this.progressNeedsReply;
    this.progressNeedsReply = false;
    const final =
      report.status !== 'sent' && report.status !== 'in_progress' && report.status !== 'paused';
    const data = progressData({
      flightId: run.flightId,
      trackId: run.trackId,
      status: report.status,
      result: report.result ?? 0,
      step,
      percent,
      waypointIndex: run.waypointIndex,
      waylineMissionState: final ? 9 : run.waylineMissionState,
      mediaCount: run.mediaCount,
      ...(run.breakPoint === undefined ? {} : { breakPoint: run.breakPoint }),
      ...(this.behaviour.quirks && run.step === 21 && run.waypointIndex === 0
        ? { transitionPath: run.transitionPath() }
        : {}),
    });
    // bid = the flight id, as the recorded Dock 3 sends on flighttask_progress.
    return this.event(now, 'flighttask_progress', run.flightId, needReply, data);
  }

  private returnHomeInfo(run: TaskRun, now: number): Effect[] {
    return this.event(now, 'return_home_info', this.newId(), false, {
      flight_id: run.flightId,
      planned_path_points: plannedReturnPath(this.behaviour.home, run.position),
      last_point_type: 0,
    });
  }

  private event(
    now: number,
    method: string,
    bid: string,
    needReply: boolean,
    data: unknown,
  ): Effect[] {
    const tid = this.newId();
    const effects = this.publish({
      family: 'events',
      method,
      tid,
      bid,
      timestamp: now,
      data,
      needReply,
    });
    if (needReply && effects.length > 0) this.ledger.expect('events_reply', tid, method, now);
    return effects;
  }

  private reply(
    service: DeferredService,
    now: number,
    result: number,
    output?: Record<string, unknown>,
  ): Effect[] {
    bump(this.counters.serviceResults, `${service.method}=${result}`);
    return this.publish({
      family: 'services_reply',
      method: service.method,
      tid: service.tid,
      bid: service.bid,
      timestamp: now,
      data: output === undefined ? { result } : { result, output },
    });
  }

  /** Offline docks publish nothing: the message is lost, as on a real network. */
  private publish(message: Outbound): Effect[] {
    if (!this.online) {
      // Before the first connection nothing was lost: the dock was not on the network yet.
      if (this.counters.connects > 0) this.counters.droppedOffline += 1;
      return [];
    }
    if (this.isSilent(message.timestamp)) {
      this.counters.silenced += 1;
      return [];
    }
    bump(this.counters.published, `${message.family}:${message.method ?? '-'}`);
    return [{ kind: 'publish', message }];
  }

  /** Told to go silent: connected, but publishing nothing (the cloud sees it go quiet). */
  private isSilent(now: number): boolean {
    const silence = this.behaviour.silence;
    if (silence === undefined || this.licensedAt === null) return false;
    const from = this.licensedAt + silence.afterMs;
    return now >= from && (silence.forMs === undefined || now < from + silence.forMs);
  }

  private remember(entry: InboxEntry): void {
    this.inbox.push(entry);
    if (this.inbox.length > INBOX_LIMIT) this.inbox.shift();
  }
}

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}
