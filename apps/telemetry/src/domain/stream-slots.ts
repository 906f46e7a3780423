/**
 * Open live streams are a resource (a socket, buffers, a subscription each): a per-client and
 * a global cap keep one client, or all of them, from holding every connection the service has
 * (the stream once took 250 of 250). A client is whoever holds a credential: the API token,
 * or the token that signed its stream ticket, so minting tickets does not raise the cap.
 */
export interface StreamLimits {
  /** Streams one client may hold open at once. */
  readonly perClient: number;
  /** Streams of all clients together. */
  readonly total: number;
}

export type SlotGrant =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly scope: 'client' | 'total'; readonly limit: number };

export class StreamSlots {
  private readonly byClient = new Map<string, number>();
  private open = 0;

  constructor(private readonly limits: StreamLimits) {}

  /** A slot for `client`, or which cap refused it; release the slot exactly when the stream ends. */
  acquire(client: string): SlotGrant {
    const held = this.byClient.get(client) ?? 0;
    if (held >= this.limits.perClient) {
      return { ok: false, scope: 'client', limit: this.limits.perClient };
    }
    if (this.open >= this.limits.total) {
      return { ok: false, scope: 'total', limit: this.limits.total };
    }
    this.byClient.set(client, held + 1);
    this.open++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.open--;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left > 0) this.byClient.set(client, left);
        else this.byClient.delete(client);
      },
    };
  }

  get openStreams(): number {
    return this.open;
  }
}
