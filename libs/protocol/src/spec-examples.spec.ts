import { readSpecExamples, SPEC_GATEWAY_SN } from '../test/shared-files';
import { parseTopic } from './topics';
import { normaliseDownlink, normaliseUplink } from './normalise';

/**
 * Every JSON example of dock-wayline-mqtt.md, found at test time, must be accepted: the
 * document is the contract and its examples contain several of the traps.
 */
describe('dock-wayline-mqtt.md examples', () => {
  const examples = readSpecExamples();

  it('finds all 20 json blocks (4 events, 7 services, 7 services_reply, 1 request, 1 reply)', () => {
    // return_home is the only method without an example, so a regex slip cannot pass silently.
    expect(examples).toHaveLength(20);
    const byFamily = new Map<string, number>();
    for (const example of examples) {
      const topic = parseTopic(example.topic);
      if (!topic.ok) throw new Error(topic.error.message);
      byFamily.set(topic.value.family, (byFamily.get(topic.value.family) ?? 0) + 1);
    }
    expect(Object.fromEntries(byFamily)).toEqual({
      events: 4,
      services: 7,
      services_reply: 7,
      requests: 1,
      requests_reply: 1,
    });
  });

  it.each(examples.map((example) => [example.index, example.topic, example.method, example]))(
    'example %i (%s %s) normalises',
    (_index, _topic, _method, example) => {
      const topic = parseTopic(example.topic);
      if (!topic.ok) throw new Error(topic.error.message);
      const normalise = topic.value.direction === 'up' ? normaliseUplink : normaliseDownlink;

      const result = normalise(example.topic, example.json);

      if (!result.ok) throw new Error(result.error.message);
      expect(result.message).toMatchObject({
        gatewaySn: SPEC_GATEWAY_SN,
        family: topic.value.family,
        method: example.method,
        known: true,
      });
      // The Method line and the JSON agree, so the association itself is checked too.
      expect((JSON.parse(example.json) as { method: string }).method).toBe(example.method);
      // Examples use "timestamp:" (trap 1) but every one carries a time.
      expect(result.message.timestamp).toEqual(expect.any(Number));
    },
  );
});
