// The ports trap: a default port that is taken moves to the next free one; a port the user
// set explicitly is used or the start fails naming the variable.
import { createServer, Server } from 'node:net';
import { choosePort, listenOnPort, PortTakenError } from './ports';

const servers: Server[] = [];

async function occupy(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', () => resolve()));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const request = (explicit: number | undefined, fallback: number) => ({
  what: 'MQTT',
  variable: 'MQTT_PORT',
  explicit,
  fallback,
  host: '0.0.0.0',
});

it('takes the next free port when the default is taken and the user did not set it', async () => {
  const taken = await occupy();
  const server = createServer();
  servers.push(server);
  const chosen = await listenOnPort(server, request(undefined, taken));
  expect(chosen.port).toBeGreaterThan(taken);
  expect(chosen.movedFrom).toBe(taken);
});

it('refuses a taken port the user set, naming the port and the variable', async () => {
  const taken = await occupy();
  const attempt = choosePort(request(taken, 1883));
  await expect(attempt).rejects.toBeInstanceOf(PortTakenError);
  await expect(attempt).rejects.toThrow(
    `MQTT port ${taken} (MQTT_PORT=${taken}) is already in use`,
  );
});

it('uses a free default as it is', async () => {
  const free = await occupy();
  await new Promise((resolve) => servers.pop()?.close(resolve));
  expect(await choosePort(request(undefined, free))).toEqual({ port: free });
});
