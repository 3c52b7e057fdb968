// fast-check generators for the fuzz suites: activities with wrong types in every field, huge and
// deep values, unicode edge cases, prototype-pollution keys, bad content types, malformed upgrades.
import fc from 'fast-check';

/** Strings people and programs get wrong: NUL, bidi overrides, BOM, lone surrogates, combining marks, emoji. */
const awkwardStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\u202e\u0041\u202c',
  '\ufeff',
  '\ud800',
  '\udfff',
  'a\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '\u2028\u2029',
  '%',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{emergency_number}}',
  'null',
  '__proto__',
  'constructor',
);

const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 8 });

export const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: awkwardStrings },
  { weight: 1, arbitrary: loneSurrogates },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => 'x'.repeat(n)) },
);

/** A JSON value nested `depth` levels, as text (so it can be deeper than JSON.stringify likes to build). */
export const deepJsonText = fc
  .tuple(fc.integer({ min: 11, max: 4000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"d":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Any JSON value, including unicode keys and values. */
const anyJson = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

/** Marker for a value that is spliced in as raw JSON text. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Keys that pollute prototypes when copied carelessly. */
const pollutingKeys = fc.constantFrom('__proto__', 'constructor', 'prototype');
const pollutingObject = fc
  .tuple(pollutingKeys, fc.constantFrom('{"polluted":true}', '{"prototype":{"polluted":true}}', '"x"', 'null', '[1]'))
  .map(([key, value]) => new RawJson(`{"${key}":${value},"a":1}`));

/** Anything at all for a field: wrong types, huge, deep, polluting. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: anyJson },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: deepJsonText.map((text) => new RawJson(text)) },
  { weight: 1, arbitrary: pollutingObject },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, [], {}, [1], ['x'], [null], [{}]) },
);

/** Serialises with RawJson pieces spliced in verbatim. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Either a plausible value or anything; undefined (the field left out) half the time. */
function field<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: anyValue });
}

const plausibleText = fc.oneof(
  fc.constantFrom('hi', 'is it serious', 'yes', 'no', 'not sure', 'talk to a person', '1', '3', 'I cannot feel my legs'),
  anyString,
);
const plausibleValue = fc.oneof(fc.record({ choice: fc.string({ maxLength: 20 }) }), anyJson);
const plausibleEntities = fc.array(fc.record({ type: fc.constantFrom('ClientCapabilities', 'mention', ''), requiresBotState: fc.boolean() }), { maxLength: 3 });
const plausibleAttachments = fc.array(
  fc.record({
    contentType: fc.constantFrom('image/png', 'application/vnd.microsoft.card.adaptive'),
    name: fc.string({ maxLength: 10 }),
    contentUrl: fc.constant('http://169.254.169.254/'),
  }),
  { maxLength: 3 },
);
const extraKeys = fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), pollutingKeys), anyValue, { maxKeys: 3 });

/** What a Web Chat client might post to /v3/directline/conversations/:id/activities, and worse. */
export const directLineActivity = fc
  .record({
    type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('message', 'typing', 'event') }, { weight: 1, arbitrary: anyValue }),
    text: field(plausibleText),
    locale: field(fc.constantFrom('en-US', 'en-GB', 'x'.repeat(30))),
    value: field(plausibleValue),
    name: field(fc.constantFrom('webchat/join', 'x')),
    channelData: field(fc.record({ clientActivityID: fc.string({ maxLength: 12 }) })),
    entities: field(plausibleEntities),
    localTimestamp: field(fc.constant('2026-01-01T00:00:00.000+00:00')),
    localTimezone: field(fc.constant('Europe/London')),
    replyToId: field(fc.string({ maxLength: 20 })),
    attachments: field(plausibleAttachments),
    from: field(fc.record({ id: fc.string({ maxLength: 12 }), name: fc.string({ maxLength: 80 }), role: fc.constantFrom('user', 'bot') })),
    conversation: field(fc.record({ id: fc.string({ maxLength: 12 }) })),
    serviceUrl: field(fc.constantFrom('http://169.254.169.254/', 'http://127.0.0.1:1/')),
  })
  .chain((activity) => extraKeys.map((extra) => ({ ...extra, ...activity })));

/** A Bot Framework activity for /api/messages (anonymous in local mode), and worse. */
export function botFrameworkActivity(serviceUrl: string, conversationIds: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      type: fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constantFrom(
            'message',
            'conversationUpdate',
            'installationUpdate',
            'event',
            'invoke',
            'messageReaction',
            'typing',
            'endOfConversation',
            'handoff',
          ),
        },
        { weight: 1, arbitrary: anyValue },
      ),
      id: field(fc.string({ maxLength: 20 })),
      channelId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('test', 'msteams', 'directline', 'emulator') }, { weight: 1, arbitrary: anyValue }),
      serviceUrl: fc.oneof(
        { weight: 6, arbitrary: fc.constant(serviceUrl) },
        { weight: 1, arbitrary: fc.constantFrom('http://127.0.0.1.attacker.example/', 'http://169.254.169.254/', 'file:///etc/passwd', 'http://[') },
        { weight: 1, arbitrary: anyValue },
      ),
      conversation: fc.oneof(
        {
          weight: 8,
          arbitrary: fc.record({
            id: conversationIds,
            conversationType: field(fc.constantFrom('personal', 'groupChat', 'channel')),
            tenantId: field(fc.constant('t-1')),
          }),
        },
        { weight: 1, arbitrary: anyValue },
      ),
      from: field(fc.record({ id: fc.string({ maxLength: 12 }), name: fc.string({ maxLength: 20 }), aadObjectId: field(fc.uuid()) })),
      recipient: field(fc.record({ id: fc.constantFrom('backline', 'x'), name: fc.string({ maxLength: 10 }) })),
      text: field(plausibleText),
      value: field(plausibleValue),
      name: field(fc.constantFrom('handoff.status', 'adaptiveCard/action', 'task/fetch', 'signin/verifyState', 'x')),
      action: field(fc.constantFrom('add', 'remove')),
      membersAdded: field(fc.array(fc.record({ id: fc.string({ maxLength: 10 }) }), { maxLength: 3 })),
      membersRemoved: field(fc.array(fc.record({ id: fc.string({ maxLength: 10 }) }), { maxLength: 3 })),
      channelData: field(fc.record({ tenant: fc.record({ id: fc.constant('t-1') }) })),
      entities: field(plausibleEntities),
      attachments: field(plausibleAttachments),
      locale: field(fc.constantFrom('en-US', 'fr-FR')),
      replyToId: field(fc.string({ maxLength: 20 })),
      timestamp: field(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
      deliveryMode: field(fc.constantFrom('normal', 'expectReplies', 'stream')),
    })
    .chain((activity) => extraKeys.map((extra) => ({ ...extra, ...activity })));
}

/** Content types a client might send with a JSON (or not) body. */
export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    '*/*',
    '',
  ),
  fc.string({ maxLength: 30 }).filter((s) => !/[\r\n]/.test(s) && /^[\x20-\x7e]*$/.test(s)),
);

/** A body that may not be JSON at all. */
export const rawBody = fc.oneof(
  fc.constantFrom('', '{', '{"type":', 'null', '[]', '"message"', '{"type":"message","text":"hi"', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  deepJsonText,
);

/** Extra headers for a request: odd encodings included. */
export const contentEncoding = fc.constantFrom(undefined, undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'x-unknown');

/** A request line target for an upgrade: stream paths with bad escapes, absolute and broken URLs, junk. */
export const upgradeTarget = fc
  .oneof(
    fc.constantFrom(
      '/v3/directline/conversations/%/stream',
      'http://[',
      'http://[::1',
      '/v3/directline/conversations//stream',
      '/v3/directline/conversations/%E0%A4%A/stream?t=x',
      '*',
      '/',
      '//',
      '/agent/api/events',
      '/api/messages',
      'http://127.0.0.1/v3/directline/conversations/x/stream',
    ),
    fc
      .tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }))
      .map(([id, token]) => `/v3/directline/conversations/${id}/stream?t=${token}&watermark=${id}`),
    fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `/${s}`),
  )
  .filter((target) => !/[\r\n]/.test(target));

/** Headers that make an upgrade odd: wrong versions, no key, strange origins. */
export const upgradeExtraHeaders = fc
  .array(
    fc.constantFrom(
      'Origin: http://evil.example\r\n',
      'Origin: null\r\n',
      'Sec-WebSocket-Version: 99\r\n',
      'Authorization: Bearer x.y.z\r\n',
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99\r\n',
      'X-Forwarded-For: ::1\r\n',
    ),
    { maxLength: 3 },
  )
  .map((headers) => headers.join(''));
