import { createServer, Server } from 'node:net';

/** A port a part of the embedded mode listens on, and where it came from. */
export interface PortRequest {
  /** What listens there, for messages ("MQTT", "HTTP"). */
  readonly what: string;
  /** The environment variable that sets it. */
  readonly variable: string;
  /** The port the user asked for, when they did (then it is used or the start fails). */
  readonly explicit: number | undefined;
  /** The default, used when free; otherwise the next free port above it. */
  readonly fallback: number;
  readonly host: string;
}

export interface ChosenPort {
  readonly port: number;
  /** Set when the default was taken and another port was used instead. */
  readonly movedFrom?: number;
}

/** Refused start: the port the user set explicitly is taken. */
export class PortTakenError extends Error {
  constructor(request: PortRequest, port: number) {
    super(
      `${request.what} port ${port} (${request.variable}=${port}) is already in use. ` +
        `Stop what listens there, or choose another port with ${request.variable}=<port> ` +
        `(unset it to take the next free port above ${request.fallback}).`,
    );
  }
}

const ATTEMPTS = 50;

/**
 * Listens `server` on the requested port. A port set through the environment is used or the
 * start fails (PortTakenError, naming the variable); a default that is taken moves to the next
 * free port above it (as Vite does), reported in `movedFrom`.
 */
export async function listenOnPort(server: Server, request: PortRequest): Promise<ChosenPort> {
  if (request.explicit !== undefined) {
    try {
      return { port: await listen(server, request.explicit, request.host) };
    } catch (error) {
      if (isAddressInUse(error)) throw new PortTakenError(request, request.explicit);
      throw error;
    }
  }
  for (let port = request.fallback; port < request.fallback + ATTEMPTS; port++) {
    try {
      const bound = await listen(server, port, request.host);
      return port === request.fallback
        ? { port: bound }
        : { port: bound, movedFrom: request.fallback };
    } catch (error) {
      if (!isAddressInUse(error)) throw error;
    }
  }
  throw new Error(
    `no free ${request.what} port in ${request.fallback}..${request.fallback + ATTEMPTS - 1}; ` +
      `set ${request.variable}`,
  );
}

/**
 * The same choice for a server that listens later (Nest's HTTP server): probes with a
 * throw-away listener and returns the port to use.
 */
export async function choosePort(request: PortRequest): Promise<ChosenPort> {
  const probe = createServer();
  const chosen = await listenOnPort(probe, request);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return chosen;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}
