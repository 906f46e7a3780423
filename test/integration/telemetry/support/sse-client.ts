export interface SseMessage {
  event: string;
  data: unknown;
}

/**
 * A minimal Server-Sent Events client over fetch. With a token it is what a front end without
 * EventSource uses (EventSource cannot send an Authorization header); with `null` it sends what
 * a browser's EventSource sends (no Authorization, the credential in the URL: `?ticket=`).
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  status = 0;
  contentType = '';
  /** The `retry:` hints the stream sent. */
  readonly retries: number[] = [];
  /** The server ended the stream. */
  ended = false;
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  async open(
    url: string,
    token: string | null,
    headers: Record<string, string> = {},
  ): Promise<void> {
    const response = await fetch(url, {
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        accept: 'text/event-stream',
        ...headers,
      },
      signal: this.abort.signal,
    });
    this.status = response.status;
    this.contentType = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            this.ended = true;
            return;
          }
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }

  of(event: string): SseMessage[] {
    return this.messages.filter((m) => m.event === event);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      else if (line.startsWith('retry:')) this.retries.push(Number(line.slice(6).trim()));
    }
    if (data.length === 0) return;
    const text = data.join('\n');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text data
    }
    this.messages.push({ event, data: parsed });
  }
}
