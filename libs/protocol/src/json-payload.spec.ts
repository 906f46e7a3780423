import { decodeJsonObject, UNICODE_RULE, UTF8_RULE } from './json-payload';

describe('decodeJsonObject: text that is not valid Unicode', () => {
  it.each([
    ['a lone high surrogate escape in a value', '{"data":{"name":"\\ud800"}}', 'data.name'],
    ['a lone low surrogate escape in a value', '{"data":{"name":"a\\udc00b"}}', 'data.name'],
    ['a reversed pair', '{"tid":"\\udc00\\ud800"}', 'tid'],
    ['one inside an array', '{"data":{"list":["ok","\\udbff"]}}', 'data.list[1]'],
  ])('refuses %s, naming where', (_, json, path) => {
    const decoded = decodeJsonObject(Buffer.from(json));
    expect(decoded).toMatchObject({ ok: false, error: { path, rule: UNICODE_RULE } });
    // The refusal quotes the text with U+FFFD, so it can be logged and stored anywhere.
    if (!decoded.ok) expect(decoded.error.message).not.toMatch(/[\ud800-\udfff]/);
  });

  it('refuses a lone surrogate in a key, and one that arrives as a string payload', () => {
    expect(decodeJsonObject('{"data":{"\\ud800":1}}')).toMatchObject({
      ok: false,
      error: { path: 'data.\ufffd', rule: UNICODE_RULE },
    });
    expect(decodeJsonObject(`{"tid":"${'\ud800'}"}`)).toMatchObject({
      ok: false,
      error: { path: 'tid', rule: UNICODE_RULE },
    });
  });

  it.each([
    [
      'a stray continuation byte',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d]),
    ],
    [
      'a truncated sequence',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]),
    ],
    [
      'an encoded surrogate (CESU-8)',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ],
    [
      'an overlong encoding',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
    ],
  ])('refuses bytes that are not UTF-8: %s', (_, bytes) => {
    expect(decodeJsonObject(bytes)).toMatchObject({
      ok: false,
      error: { path: 'payload', rule: UTF8_RULE },
    });
  });

  it('accepts valid pairs, escaped or raw, and any other text', () => {
    const text = '{"emoji":"\\ud83d\\ude01","raw":"😁","cjk":"航线","bom":"ok"}';
    expect(decodeJsonObject(Buffer.from(text))).toEqual({
      ok: true,
      value: { emoji: '😁', raw: '😁', cjk: '航线', bom: 'ok' },
    });
    expect(
      decodeJsonObject(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')])),
    ).toEqual({
      ok: true,
      value: {},
    });
  });
});

describe('decodeJsonObject: the Unicode checks of a Buffer payload', () => {
  // JSON string contents: plain text, escapes that decode to lone or paired surrogates (either
  // case), other escapes, an escaped backslash before a `u`, raw astral and CJK characters.
  const PIECES = [
    'osd',
    'a b',
    '\\ud800',
    '\\uDBFF',
    '\\udc00',
    '\\uDC01',
    '\\ud83d\\ude01',
    '\\uD83D\\uDE01',
    '\\u0041',
    '\\u00e9',
    '\\\\ud800',
    '\\n',
    '\\"',
    '😁',
    '航线',
    '',
  ];

  it('refuses and accepts exactly as the full check of the same text does', () => {
    // Deterministic: piece k of text j of message i walks the pieces at different strides.
    const text = (i: number, j: number): string =>
      [1, 3, 7].map((k) => PIECES[(i * k + j * 5 + k) % PIECES.length]).join('');
    for (let i = 0; i < 2_000; i++) {
      const json =
        `{"tid":"${text(i, 0)}","data":{"${text(i, 1)}":"${text(i, 2)}","n":${i},` +
        `"list":["${text(i, 3)}",{"${text(i, 4)}":1}]}}`;
      // A string payload always gets every check; a Buffer may skip what cannot fail.
      expect(decodeJsonObject(Buffer.from(json))).toEqual(decodeJsonObject(json));
    }
  });
});
