import {
  bootstrapProblems,
  PilotApi,
  PilotBootstrap,
  PilotBootstrapSource,
  PilotCaller,
} from './pilot-bootstrap';

/** The values of an in-process source; `api.token` left out means "the caller's own token". */
export interface InProcessBootstrapValues extends Omit<PilotBootstrap, 'api'> {
  api: Omit<PilotApi, 'token'> & { token?: string };
}

/**
 * A bootstrap source holding one set of values, given at construction: for tests and for the
 * embedded mode (one organization, the gateway's broker and licence). Checked when built, so a
 * wrong setting fails at start rather than on a remote controller.
 */
export class InProcessPilotBootstrap implements PilotBootstrapSource {
  private readonly values: InProcessBootstrapValues;

  constructor(values: InProcessBootstrapValues) {
    // A missing token is filled in per caller; one that is given must be usable.
    const token = values.api.token ?? 'caller token';
    const problems = bootstrapProblems({ ...values, api: { ...values.api, token } });
    if (problems.length > 0) {
      throw new Error(`Pilot access page settings: ${problems.join('; ')}`);
    }
    this.values = structuredClone(values);
  }

  async bootstrapFor(caller: PilotCaller): Promise<PilotBootstrap> {
    const { api, ...rest } = structuredClone(this.values);
    return { ...rest, api: { host: api.host, token: api.token ?? caller.token } };
  }
}
