import type { StorageConfig } from '@dock/protocol';
import type { PlannedMediaFile } from './media-upload';
/**
 * What the dock machine asks the outside world to do. Plain values: the machine never touches a
 * socket, a timer or the network, so every behaviour is a unit test away.
 */

/** Families a dock publishes on (the uplink ones). */
export type UplinkFamily = 'services_reply' | 'events' | 'requests' | 'status' | 'osd';

/** One message to publish, before wire encoding (wire-encoding.ts adds quirks). */
export interface Outbound {
  readonly family: UplinkFamily;
  /** null on osd pushes, which carry none. */
  readonly method: string | null;
  readonly tid: string;
  readonly bid: string;
  readonly timestamp: number;
  readonly data: unknown;
  /** events only: the dock wants an events_reply. */
  readonly needReply?: boolean;
}

/** A service command the machine accepted for later handling (reply latency). */
export interface DeferredService {
  readonly method: string;
  readonly tid: string;
  readonly bid: string;
  /** Already validated by the protocol library, or the failure text when it was not. */
  readonly data: unknown;
  readonly invalid?: string;
}

export type Effect =
  | { readonly kind: 'publish'; readonly message: Outbound }
  /** Feed `service` back to DockMachine.handleService after `delayMs`. */
  | { readonly kind: 'defer'; readonly delayMs: number; readonly service: DeferredService }
  /** Download the KMZ and report with DockMachine.downloadFinished. */
  | {
      readonly kind: 'download';
      readonly flightId: string;
      readonly url: string;
      readonly fingerprint: string;
    }
  /** Upload `files` to object storage with `config`; report each with DockMachine.mediaUploaded. */
  | {
      readonly kind: 'upload';
      readonly flightId: string;
      readonly config: StorageConfig;
      readonly files: readonly PlannedMediaFile[];
    }
  /** Close the MQTT connection (scripted outage); `reconnect` comes as a later effect. */
  | { readonly kind: 'disconnect' }
  | { readonly kind: 'reconnect' }
  /** Something an operator should read (onboarding: licence refused, binding failed...). */
  | {
      readonly kind: 'log';
      readonly level: 'info' | 'warn';
      readonly message: string;
      readonly context?: Record<string, unknown>;
    };
