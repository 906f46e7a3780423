/**
 * What the end-to-end scenarios need from "the system": where docks connect (MQTT) and where
 * the three REST APIs answer. `startDistributedSystem()` (distributed-system.ts) runs the four
 * built services as separate processes; another harness (one-process embedded mode, a deployed
 * stack...) only has to provide the same shape, started with `SCENARIO_SETTINGS` applied.
 */

export interface ApiEndpoint {
  /** Without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  /** A bearer token the API accepts (one of its API_TOKENS). */
  readonly token: string;
}

export interface SystemUnderTest {
  /** Shown in test names and failure reports, e.g. "distributed". */
  readonly name: string;
  /** The broker the gateway subscribes to; the simulated docks connect here. */
  readonly mqttUrl: string;
  /** The MQTT version docks speak to that broker: 5 by default, 4 (3.1.1) for the embedded one. */
  readonly mqttProtocolVersion?: 4 | 5;
  /** The MQTT login docks connect with, where the broker asks for one (the embedded mode). */
  readonly mqttLogin?: { readonly username: string; readonly password: string };
  /**
   * The organization docks join (id and binding code) where the broker lets only bound docks
   * through (the embedded mode); the scenarios' docks bind before they fly.
   */
  readonly organization?: { readonly id: string; readonly bindingCode: string };
  readonly missionApi: ApiEndpoint;
  readonly telemetryApi: ApiEndpoint;
  readonly fileApi: ApiEndpoint;
  /** The media service's API (flight media, signed downloads); its storage is S3-compatible. */
  readonly mediaApi?: ApiEndpoint;
  /**
   * Dock SNs of this run start with this ([A-Za-z0-9_.:-], short): other runs on the same broker
   * and Kafka topics never use it.
   */
  readonly snPrefix: string;
  /** Log lines that help explain a failure: the last `limit` ones containing one of `needles`. */
  diagnostics?(needles: readonly string[], limit: number): string;
  /** Stops everything it started. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Settings the scenarios rely on (short timeouts and retries so a timeout scenario ends within
 * seconds). A harness starts the services with these environment variables; the values are
 * the same names the services' config schemas read.
 */
export const SCENARIO_SETTINGS = {
  /** The gateway's wait for a services_reply (the mission service sets it on each command). */
  GATEWAY_COMMAND_TIMEOUT_MS: '5000',
  MISSION_COMMAND_TIMEOUT_MS: '5000',
  /** Mission's own deadline beyond the gateway's: the gateway's timeout record comes first. */
  MISSION_REPLY_GRACE_MS: '10000',
  MISSION_RETRY_INITIAL_MS: '1000',
  MISSION_RETRY_MAX_MS: '2000',
  /** A prepare or execute is sent at most 3 times (retryable refusals, no answer). */
  MISSION_RETRY_MAX_ATTEMPTS: '3',
  /** Timed tasks due within 10 minutes are prepared as soon as they are created. */
  MISSION_PREPARE_LEAD_MS: String(10 * 60_000),
  MISSION_SCHEDULER_INTERVAL_MS: '200',
  MISSION_RELAY_INTERVAL_MS: '100',
  GATEWAY_SWEEP_INTERVAL_MS: '200',
  /** A flight short of its media count turns incomplete 3 s after its last file. */
  MEDIA_INCOMPLETE_AFTER_MS: '3000',
  MEDIA_SWEEP_INTERVAL_MS: '200',
  MEDIA_RELAY_INTERVAL_MS: '100',
} as const satisfies Record<string, string>;

/** The values of SCENARIO_SETTINGS the scenarios compute with. */
export const scenarioTimings = {
  commandTimeoutMs: Number(SCENARIO_SETTINGS.MISSION_COMMAND_TIMEOUT_MS),
  retryMaxAttempts: Number(SCENARIO_SETTINGS.MISSION_RETRY_MAX_ATTEMPTS),
} as const;
