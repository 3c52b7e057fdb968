// Direct Line tokens (HS256, one conversation, one user, an expiry) and the storage-backed log.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConversationNotFoundError, DirectLineStore, MAX_ACTIVITIES_PER_READ, parseWatermark } from '../../src/directline/store.js';
import { newConversationId, newUserId, TokenSigner } from '../../src/directline/tokens.js';
import { InMemoryStorage, StorageConflictError, type BacklineStorage } from '../../src/storage/index.js';

const KEY = 'a-signing-key-of-at-least-thirty-two-characters';

describe('TokenSigner', () => {
  it('signs a JWT carrying conversation, user and expiry, and verifies it', async () => {
    const signer = new TokenSigner(KEY, () => 1_700_000_000_000);
    const { token, expiresIn } = await signer.sign({ conv: 'c1', user: 'dl_u1' });
    expect(expiresIn).toBe(3600);
    const [header, payload] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ conv: 'c1', user: 'dl_u1', iat: 1_700_000_000, exp: 1_700_003_600 });
    expect(await signer.verify(token)).toEqual({ ok: true, claims: { conv: 'c1', user: 'dl_u1', iat: 1_700_000_000, exp: 1_700_003_600 } });
  });

  it('refuses an expired token, at the second it expires', async () => {
    let now = 1_700_000_000_000;
    const signer = new TokenSigner(KEY, () => now);
    const { token } = await signer.sign({ conv: 'c1', user: 'u1' }, 60);
    now += 59_999;
    expect((await signer.verify(token)).ok).toBe(true);
    now += 1;
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed with another key, a changed payload, alg "none", and junk', async () => {
    const signer = new TokenSigner(KEY);
    const other = new TokenSigner('another-signing-key-of-thirty-two-chars!!');
    const { token } = await signer.sign({ conv: 'c1', user: 'u1' });
    expect(await signer.verify((await other.sign({ conv: 'c1', user: 'u1' })).token)).toEqual({ ok: false, reason: 'signature' });

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const changed = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), conv: 'c2' })).toString('base64url');
    expect(await signer.verify(`${header}.${changed}.${signature}`)).toEqual({ ok: false, reason: 'signature' });

    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(await signer.verify(`${none}.${payload}.`)).toEqual({ ok: false, reason: 'malformed' });
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url');
    const forged = createHmac('sha512', KEY).update(`${hs512}.${payload}`).digest('base64url');
    expect(await signer.verify(`${hs512}.${payload}.${forged}`)).toEqual({ ok: false, reason: 'malformed' });

    for (const junk of [undefined, '', 'abc', 'a.b', 'a.b.c.d', 'x'.repeat(5000)]) expect((await signer.verify(junk)).ok).toBe(false);
  });

  it('refuses a well-signed token without the claims it needs', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: 'backline-directline', conv: 'c1', exp: 9_999_999_999, iat: 1 })).toString('base64url');
    const signature = createHmac('sha256', KEY).update(`${header}.${payload}`).digest('base64url');
    expect(await new TokenSigner(KEY).verify(`${header}.${payload}.${signature}`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('without a configured key, signs with a random one: another process cannot verify', async () => {
    const a = new TokenSigner(undefined);
    const b = new TokenSigner(undefined);
    const { token } = await a.sign({ conv: 'c', user: 'u' });
    expect((await a.verify(token)).ok).toBe(true);
    expect((await b.verify(token)).ok).toBe(false);
  });

  it('makes unguessable ids; user ids carry the dl_ prefix Azure wants', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newConversationId()));
    expect(ids.size).toBe(200);
    expect(newUserId()).toMatch(/^dl_[A-Za-z0-9_-]{16}$/);
  });
});

describe('DirectLineStore', () => {
  it('creates a conversation once; a second create is refused', async () => {
    const store = new DirectLineStore(new InMemoryStorage());
    expect(await store.create({ conversationId: 'c1', userId: 'u1' })).toBe(true);
    expect(await store.create({ conversationId: 'c1', userId: 'u2' })).toBe(false);
    expect(await store.meta('c1')).toMatchObject({ conversationId: 'c1', userId: 'u1', next: 1 });
  });

  it('appends with sequence ids and reads after a watermark', async () => {
    const store = new DirectLineStore(new InMemoryStorage());
    await store.create({ conversationId: 'c1', userId: 'u1' });
    const first = await store.append('c1', [
      { type: 'message', text: 'a' },
      { type: 'message', text: 'b' },
    ]);
    expect(first.map((a) => a.id)).toEqual(['c1|00000001', 'c1|00000002']);
    await store.append('c1', [{ type: 'message', text: 'c' }]);
    expect((await store.since('c1', 0)).activities.map((a) => a.text)).toEqual(['a', 'b', 'c']);
    expect(await store.since('c1', 2)).toEqual({ activities: [{ type: 'message', text: 'c', id: 'c1|00000003' }], watermark: 3 });
    expect(await store.since('c1', 3)).toEqual({ activities: [], watermark: 3 });
    expect(await store.since('c1', 99)).toEqual({ activities: [], watermark: 3 });
    await expect(store.append('nope', [{ type: 'message' }])).rejects.toBeInstanceOf(ConversationNotFoundError);
  });

  it('reads in pages: a client far behind catches up over several reads', async () => {
    const store = new DirectLineStore(new InMemoryStorage());
    await store.create({ conversationId: 'c1', userId: 'u1' });
    await store.append(
      'c1',
      Array.from({ length: MAX_ACTIVITIES_PER_READ + 5 }, (_, i) => ({ type: 'message', text: String(i) })),
    );
    const page = await store.since('c1', 0);
    expect(page.activities).toHaveLength(MAX_ACTIVITIES_PER_READ);
    expect((await store.since('c1', page.watermark)).activities).toHaveLength(5);
  });

  it('retries an append that lost an eTag race, so no sequence number is given twice', async () => {
    const storage = new InMemoryStorage();
    const store = new DirectLineStore(storage);
    await store.create({ conversationId: 'c1', userId: 'u1' });
    let conflicts = 0;
    const flaky: BacklineStorage = Object.assign(Object.create(storage) as BacklineStorage, {
      write: async (changes: Record<string, unknown>) => {
        // Another instance appends between our read and our write, twice.
        if (conflicts < 2 && Object.keys(changes).some((k) => k.endsWith('/meta'))) {
          conflicts++;
          await store.append('c1', [{ type: 'message', text: `other ${conflicts}` }]);
        }
        return storage.write(changes);
      },
    });
    const racing = new DirectLineStore(flaky);
    const [mine] = await racing.append('c1', [{ type: 'message', text: 'mine' }]);
    expect(conflicts).toBe(2);
    expect(mine!.id).toBe('c1|00000003');
    expect((await store.since('c1', 0)).activities.map((a) => a.text)).toEqual(['other 1', 'other 2', 'mine']);
  });

  it('gives up after repeated conflicts rather than loop for ever', async () => {
    const storage = new InMemoryStorage();
    const store = new DirectLineStore(storage);
    await store.create({ conversationId: 'c1', userId: 'u1' });
    const alwaysConflicting: BacklineStorage = Object.assign(Object.create(storage) as BacklineStorage, {
      write: async () => {
        throw new StorageConflictError('dl/c1/meta');
      },
    });
    await expect(new DirectLineStore(alwaysConflicting).append('c1', [{ type: 'message' }])).rejects.toBeInstanceOf(StorageConflictError);
  });

  it('purging the transcript keeps the sequence going (watermarks never go back)', async () => {
    const store = new DirectLineStore(new InMemoryStorage());
    await store.create({ conversationId: 'c1', userId: 'u1' });
    await store.append('c1', [
      { type: 'message', text: 'private' },
      { type: 'message', text: 'more' },
    ]);
    expect(await store.purgeActivities('c1')).toBe(2);
    const [next] = await store.append('c1', [{ type: 'message', text: 'after' }]);
    expect(next!.id).toBe('c1|00000003');
    expect(await store.since('c1', 0)).toEqual({ activities: [next], watermark: 3 });
  });

  it('parses watermarks strictly', () => {
    expect(parseWatermark('12')).toBe(12);
    for (const bad of [undefined, '', '-1', '1e3', 'abc', ['1'], '9'.repeat(20)]) expect(parseWatermark(bad)).toBe(0);
  });
});
