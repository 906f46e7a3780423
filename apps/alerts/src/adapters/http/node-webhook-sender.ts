import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookSender } from '../../application/ports';
import { refusedAddressKind } from '../../domain/webhooks/address-policy';

export interface SenderSettings {
  /** Whole request: DNS, connect, send, and the response head and body. */
  timeoutMs: number;
  /** ALERTS_WEBHOOK_ALLOW_PRIVATE: loopback/private/link-local targets allowed (tests, on-prem). */
  allowPrivate: boolean;
  userAgent: string;
}

/** The response body is read (to free the socket) but only this much is kept for the log. */
const MAX_ERROR_BODY = 512;

/**
 * POSTs deliveries with Node's http/https. SSRF: the host is resolved once here, every address
 * it resolves to is checked (address-policy), and the connection goes to the checked address
 * (a pinned lookup), so a DNS answer that changes between check and connect (rebinding) cannot
 * reach an internal address. TLS still verifies the certificate against the URL's host name.
 */
export class NodeWebhookSender implements WebhookSender {
  constructor(private readonly settings: SenderSettings) {}

  async send(request: {
    url: string;
    headers: Record<string, string>;
    body: string;
  }): Promise<{ status: number | null; error: string | null; latencyMs: number }> {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return { status: null, error: 'invalid URL', latencyMs: 0 };
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: { address: string; family: number }[];
    try {
      addresses = await withTimeout(lookup(host, { all: true }), this.settings.timeoutMs);
    } catch (error) {
      return { status: null, error: `DNS: ${(error as Error).message}`, latencyMs: elapsed() };
    }
    if (!this.settings.allowPrivate) {
      const refused = addresses.find((a) => refusedAddressKind(a.address) !== null);
      if (refused || addresses.length === 0) {
        return {
          status: null,
          error: refused
            ? `refused: ${host} resolves to a ${refusedAddressKind(refused.address)} address (${refused.address})`
            : `DNS: ${host} has no address`,
          latencyMs: elapsed(),
        };
      }
    }
    const pinned = addresses[0];
    const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: typeof addresses) => void)(null, [pinned]);
      } else {
        callback(null, pinned.address, pinned.family);
      }
    };
    return new Promise((resolve) => {
      const client = url.protocol === 'https:' ? https : http;
      const body = Buffer.from(request.body);
      const req = client.request(
        url,
        {
          method: 'POST',
          lookup: pinnedLookup,
          headers: {
            ...request.headers,
            'Content-Type': 'application/json',
            'Content-Length': String(body.length),
            'User-Agent': this.settings.userAgent,
          },
          timeout: this.settings.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept < MAX_ERROR_BODY) {
              chunks.push(chunk);
              kept += chunk.length;
            }
          });
          res.on('end', () => {
            clearTimeout(deadline);
            const status = res.statusCode ?? null;
            const ok = status !== null && status >= 200 && status < 300;
            const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY);
            resolve({
              status,
              error: ok ? null : `HTTP ${status}${text ? `: ${text}` : ''}`,
              latencyMs: elapsed(),
            });
          });
          res.on('error', (error) => finish(error.message));
        },
      );
      // The socket timeout counts idle time only; this bounds the whole exchange.
      const deadline = setTimeout(
        () => req.destroy(new Error(`timed out after ${this.settings.timeoutMs} ms`)),
        this.settings.timeoutMs,
      );
      const finish = (error: string) => {
        clearTimeout(deadline);
        resolve({ status: null, error, latencyMs: elapsed() });
      };
      req.on('timeout', () =>
        req.destroy(new Error(`timed out after ${this.settings.timeoutMs} ms`)),
      );
      req.on('error', (error) => finish(error.message));
      req.end(body);
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
