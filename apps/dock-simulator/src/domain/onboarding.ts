import {
  AirportBindStatusReplyData,
  AirportOrganizationBindReplyData,
  AirportOrganizationGetReplyData,
  ConfigReplyData,
  hasLicence,
} from '@dock/protocol';
import { LicenceExpectation, OrganizationToJoin } from './behaviour';
import { AIRCRAFT_MODEL, DOCK_MODEL } from './dock-messages';

/**
 * What a real dock does before it flies (dock-config-and-time.md, dock-organization-binding.md):
 * `config` -> licence check (refused: drop MQTT) -> update_topo -> `airport_bind_status` -> when
 * not bound and given an organization and binding code: `airport_organization_get` ->
 * `airport_organization_bind`. Pure: each step returns what to send and what to log; the dock
 * machine publishes and keeps the reply ledger. Only the licence blocks: a binding step that
 * gets no answer (or a failure) is logged and the dock flies unbound, as tests without a
 * registry expect.
 */

export type OnboardingState =
  | 'offline'
  /** config sent, waiting for the licence */
  | 'config'
  /** the licence was missing or wrong: disconnected */
  | 'refused'
  /** licensed; binding requests under way */
  | 'binding'
  /** bound to an organization */
  | 'bound'
  /** licensed, not bound (no registry, no code, or binding failed): flies all the same */
  | 'unbound';

export interface OnboardingView {
  readonly state: OnboardingState;
  /** Why the licence was refused, or why binding stopped. */
  readonly reason?: string;
  readonly organizationName?: string;
}

/** A request the onboarding wants sent (the machine adds tid, bid, timestamp). */
export interface OnboardingRequest {
  readonly method: string;
  readonly data: unknown;
}

export interface OnboardingLog {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly context?: Record<string, unknown>;
}

export interface OnboardingStep {
  readonly requests: OnboardingRequest[];
  readonly logs: OnboardingLog[];
  /** The licence was refused: drop the MQTT connection. */
  readonly disconnect?: boolean;
  /** The licence was accepted: announce the topology (update_topo). */
  readonly licensed?: boolean;
}

/** The reply to an onboarding request, as decoded by inbound.ts. */
export interface OnboardingReply {
  readonly method: string;
  readonly data: unknown;
  /** Set when the protocol library refused the reply's data. */
  readonly invalid?: string;
}

export const ONBOARDING_METHODS: ReadonlySet<string> = new Set([
  'config',
  'airport_bind_status',
  'airport_organization_get',
  'airport_organization_bind',
]);

const NONE: OnboardingStep = { requests: [], logs: [] };

export class Onboarding {
  private state: OnboardingState = 'offline';
  private reason: string | undefined;
  private organizationName: string | undefined;

  constructor(
    private readonly identity: { readonly sn: string; readonly aircraftSn: string },
    private readonly expected: LicenceExpectation,
    private readonly organization: OrganizationToJoin | undefined,
  ) {}

  get licensed(): boolean {
    return this.state === 'binding' || this.state === 'bound' || this.state === 'unbound';
  }

  view(): OnboardingView {
    return {
      state: this.state,
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      ...(this.organizationName === undefined ? {} : { organizationName: this.organizationName }),
    };
  }

  /** Connected: ask for the configuration, as a real dock does on every connection. */
  connected(): OnboardingStep {
    this.state = 'config';
    this.reason = undefined;
    return {
      requests: [{ method: 'config', data: { config_type: 'json', config_scope: 'product' } }],
      logs: [],
    };
  }

  disconnected(): void {
    if (this.state !== 'refused') this.state = 'offline';
  }

  /** A reply to one of our requests came (its tid matched). */
  replied(reply: OnboardingReply): OnboardingStep {
    switch (reply.method) {
      case 'config':
        return this.onConfig(reply);
      case 'airport_bind_status':
        return this.onBindStatus(reply);
      case 'airport_organization_get':
        return this.onOrganization(reply);
      case 'airport_organization_bind':
        return this.onBind(reply);
      default:
        return NONE;
    }
  }

  /** A request's reply never came. */
  unanswered(method: string): OnboardingStep {
    if (method === 'config') return this.refuse('config was not answered');
    if (!ONBOARDING_METHODS.has(method) || this.state !== 'binding') return NONE;
    return this.stopBinding(`${method} was not answered`);
  }

  private onConfig(reply: OnboardingReply): OnboardingStep {
    if (this.state !== 'config') return NONE;
    if (reply.invalid !== undefined)
      return this.refuse(`config reply unreadable: ${reply.invalid}`);
    const config = reply.data as ConfigReplyData;
    if (!hasLicence(config))
      return this.refuse('config reply has no licence (app_id, app_key, app_license)');
    const wrong = (['app_id', 'app_key', 'app_license'] as const).filter((field) => {
      const wanted = this.expected[field];
      return wanted !== undefined && wanted !== config[field];
    });
    // Names the wrong fields, never their values: they are secrets.
    if (wrong.length > 0)
      return this.refuse(`licence differs from the expected one: ${wrong.join(', ')}`);
    this.state = 'binding';
    return {
      licensed: true,
      requests: [
        {
          method: 'airport_bind_status',
          data: { devices: [{ sn: this.identity.aircraftSn }, { sn: this.identity.sn }] },
        },
      ],
      logs: [{ level: 'info', message: 'licence accepted' }],
    };
  }

  private onBindStatus(reply: OnboardingReply): OnboardingStep {
    if (this.state !== 'binding') return NONE;
    const data = reply.data as AirportBindStatusReplyData;
    if (reply.invalid !== undefined || data.result !== 0 || data.output === undefined) {
      return this.stopBinding(`airport_bind_status failed: ${failure(reply, data.result)}`);
    }
    const entries = data.output.bind_status;
    const bound = entries.length > 0 && entries.every((entry) => entry.is_device_bind_organization);
    if (bound) {
      this.state = 'bound';
      this.organizationName = entries[0]?.organization_name;
      return {
        requests: [],
        logs: [
          {
            level: 'info',
            message: 'already bound',
            context: { organization: this.organizationName },
          },
        ],
      };
    }
    const organization = this.organization;
    if (organization === undefined) {
      return this.stopBinding('not bound, and no organization id and binding code to join one');
    }
    return {
      requests: [
        {
          method: 'airport_organization_get',
          data: { device_binding_code: organization.bindingCode, organization_id: organization.id },
        },
      ],
      logs: [],
    };
  }

  private onOrganization(reply: OnboardingReply): OnboardingStep {
    const organization = this.organization;
    if (this.state !== 'binding' || organization === undefined) return NONE;
    const data = reply.data as AirportOrganizationGetReplyData;
    if (reply.invalid !== undefined || data.result !== 0 || data.output === undefined) {
      return this.stopBinding(`airport_organization_get failed: ${failure(reply, data.result)}`);
    }
    this.organizationName = data.output.organization_name;
    const device = (sn: string, model: { domain: string; type: number; sub_type: number }) => ({
      device_binding_code: organization.bindingCode,
      organization_id: organization.id,
      device_callsign: sn,
      sn,
      device_model_key: `${model.domain}-${model.type}-${model.sub_type}`,
    });
    return {
      requests: [
        {
          method: 'airport_organization_bind',
          data: {
            bind_devices: [
              device(this.identity.sn, DOCK_MODEL),
              device(this.identity.aircraftSn, AIRCRAFT_MODEL),
            ],
          },
        },
      ],
      logs: [],
    };
  }

  private onBind(reply: OnboardingReply): OnboardingStep {
    if (this.state !== 'binding') return NONE;
    const data = reply.data as AirportOrganizationBindReplyData;
    if (reply.invalid !== undefined || data.result !== 0 || data.output === undefined) {
      return this.stopBinding(`airport_organization_bind failed: ${failure(reply, data.result)}`);
    }
    const refused = data.output.err_infos.filter((info) => info.err_code !== 0);
    if (refused.length > 0) {
      return this.stopBinding(
        `airport_organization_bind refused: ${refused.map((i) => `${i.sn}=${i.err_code}`).join(', ')}`,
      );
    }
    this.state = 'bound';
    return {
      requests: [],
      logs: [{ level: 'info', message: 'bound', context: { organization: this.organizationName } }],
    };
  }

  private refuse(reason: string): OnboardingStep {
    this.state = 'refused';
    this.reason = reason;
    return {
      requests: [],
      logs: [{ level: 'warn', message: `licence check failed, disconnecting: ${reason}` }],
      disconnect: true,
    };
  }

  private stopBinding(reason: string): OnboardingStep {
    this.state = 'unbound';
    this.reason = reason;
    return { requests: [], logs: [{ level: 'warn', message: `flying unbound: ${reason}` }] };
  }
}

function failure(reply: OnboardingReply, result: unknown): string {
  return reply.invalid ?? `result ${String(result)}`;
}
