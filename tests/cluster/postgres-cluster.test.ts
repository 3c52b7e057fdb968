// Several instances on PostgreSQL, for real: three `backline serve` processes on one database,
// HAProxy in front (round robin), the run's one PostgreSQL server (tests/setup/postgres.ts).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/storage/postgres/schema.js';
import { clusterEnv, runBackline, startCluster, type Cluster } from '../helpers/cluster.js';
import { botTexts, DirectLineClient, type WireActivity } from '../helpers/directline.js';
import { createDatabase } from '../helpers/nativeServers.js';
import { AGENT_PASSWORD, AgentClient, EventReader, supportEnv } from '../helpers/support.js';
import { expectCleanBrowser, launchGuardedBrowser, SEND_BOX } from '../helpers/browser.js';

let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await createDatabase(inject('postgresUrl'), 'cluster_test');
});

describe('schema: backline migrate and serve', () => {
  it('serve refuses an empty (unmigrated) database with a clear message', async () => {
    const emptyUrl = await createDatabase(inject('postgresUrl'), 'cluster_unmigrated');
    const run = await runBackline(['serve'], clusterEnv(emptyUrl));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/schema is at version 0; this Backline needs version \d+\. Run `backline migrate`/);
    expect(run.stdout).not.toMatch(/listening/);
  }, 60_000);

  it('two instances migrating an empty database at the same moment: one creates the schema, the other waits and finds it done', async () => {
    const runs = await Promise.all([runBackline(['migrate'], clusterEnv(databaseUrl)), runBackline(['migrate'], clusterEnv(databaseUrl))]);
    expect(runs.map((run) => [run.code, run.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    const outputs = runs.map((run) => run.stdout.trim()).sort();
    expect(outputs).toEqual(
      [
        `PostgreSQL schema is up to date (version ${SCHEMA_VERSION}).`,
        `PostgreSQL schema migrated from version 0 to ${SCHEMA_VERSION} (applied ${Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1).join(', ')}).`,
      ].sort(),
    );
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const applied = await client.query('SELECT version FROM backline_schema_migrations ORDER BY version');
      expect(applied.rows.map((row: { version: number }) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    } finally {
      await client.end();
    }
  }, 60_000);
});

/** The same person's Direct Line session, talking to one given instance (not through the proxy). */
function via(person: DirectLineClient, baseUrl: string): DirectLineClient {
  return Object.assign(new DirectLineClient(baseUrl), {
    token: person.token,
    conversationId: person.conversationId,
    userId: person.userId,
    domain: `${baseUrl}/v3/directline`,
  });
}

function askedEvidence(activities: WireActivity[]): string | undefined {
  return [...activities].reverse().find((a) => a.from.role === 'bot' && a.channelData?.backline?.ask?.evidence)?.channelData?.backline?.ask?.evidence;
}

async function transcript(person: DirectLineClient): Promise<WireActivity[]> {
  const res = await person.poll();
  expect(res.status).toBe(200);
  return ((await res.json()) as { activities: WireActivity[] }).activities;
}

async function sayOk(person: DirectLineClient, text: string): Promise<void> {
  const res = await person.say(text);
  expect(res.status).toBe(200);
}

describe('three instances behind HAProxy', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    // Long sync interval: consoles on other instances must update through LISTEN/NOTIFY, not polling.
    cluster = await startCluster(3, clusterEnv(databaseUrl, supportEnv({ SUPPORT_SYNC_INTERVAL_MS: '60000' })));
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a WebSocket on one instance receives the replies to messages posted through the others and the proxy', async () => {
    const person = new DirectLineClient(cluster.url);
    await person.start();
    const [a, b, c] = cluster.instances as [Cluster['instances'][0], Cluster['instances'][0], Cluster['instances'][0]];
    const stream = await via(person, a.url).openStream();
    try {
      await stream.until((activities) => botTexts(activities).length > 0);
      await sayOk(via(person, b.url), "check if it's serious");
      const first = askedEvidence(await stream.until((activities) => askedEvidence(activities) !== undefined, 10_000));
      await sayOk(via(person, c.url), 'no');
      await stream.until((activities) => askedEvidence(activities) !== first, 10_000);
      await sayOk(person, 'no'); // through the proxy, wherever it lands
      const seen = await stream.until((activities) => activities.filter((x) => x.from.role !== 'bot').length === 3, 10_000);
      // Every activity of the conversation, in order, once: the same as a poll returns.
      const stored = await transcript(person);
      await stream.until((activities) => activities.length >= stored.length, 10_000);
      expect(stream.activities.map((x) => x.id)).toEqual(stored.map((x) => x.id));
      expect(seen.filter((x) => x.from.role !== 'bot').map((x) => x.text)).toEqual(["check if it's serious", 'no', 'no']);
    } finally {
      stream.close();
    }
  }, 60_000);

  it("the agent console's live queue on one instance updates when a person on another asks for a human, and the agent's reply reaches the person's socket on a third", async () => {
    const [a, b, c] = cluster.instances as [Cluster['instances'][0], Cluster['instances'][0], Cluster['instances'][0]];
    const sam = new AgentClient(a.url);
    expect((await sam.login('sam', AGENT_PASSWORD)).status).toBe(200);
    const { reader } = await EventReader.open(`${a.url}/agent/api/events`, sam.cookie);
    try {
      await reader.waitFor((e) => e.event === 'queue');
      const person = new DirectLineClient(cluster.url);
      await person.start();
      const stream = await via(person, c.url).openStream();
      try {
        await sayOk(via(person, b.url), 'let me talk to a real person');
        const queued = await reader.waitFor((e) => e.event === 'queue' && (e.data as { cases: unknown[] }).cases.length >= 1, 10_000);
        const caseId = (queued.data as { cases: { id: string }[] }).cases[0]!.id;
        // The same session works on another instance (sessions are in storage).
        const samOnB = Object.assign(new AgentClient(b.url), { cookie: sam.cookie, csrf: sam.csrf });
        expect((await samOnB.post(`/cases/${caseId}/claim`)).status).toBe(200);
        await samOnB.json(samOnB.post(`/cases/${caseId}/messages`, { text: 'Hello, this is Sam.' }));
        await stream.until((activities) => activities.some((x) => (x.text ?? '').includes('Hello, this is Sam.')), 10_000);
      } finally {
        stream.close();
      }
    } finally {
      reader.close();
    }
  }, 60_000);

  it('end to end in Chromium through the proxy: Web Chat at /chat talks to three instances (page, token, stream and posts spread round robin)', async () => {
    const browser = await launchGuardedBrowser();
    try {
      const page = browser.page;
      page.setDefaultTimeout(15_000);
      const transcriptText = () =>
        page.evaluate(() => [...document.querySelectorAll('.webchat__basic-transcript .webchat__bubble__content')].map((b) => b.textContent ?? '').join('\n'));
      const send = async (text: string) => {
        await page.locator(SEND_BOX).fill(text);
        await page.locator(SEND_BOX).press('Enter');
      };
      await page.goto(`${cluster.url}/chat`);
      await expect.poll(transcriptText, { timeout: 15_000 }).toMatch(/I.m Backline/);
      await send('what is sciatica');
      await expect.poll(transcriptText, { timeout: 15_000 }).toMatch(/sciatic nerve/i);
      await send("check if it's serious");
      await expect.poll(transcriptText, { timeout: 15_000 }).toMatch(/numbness, tingling or pins and needles/);
      await send('yes');
      await expect.poll(transcriptText, { timeout: 15_000 }).toMatch(/Go to the emergency room \(ER\) now/);
      expectCleanBrowser(browser);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('kill -9 of an instance mid-conversation: the next message through the proxy continues at the same question, nothing lost', async () => {
    // A control conversation gives the question that follows each answer.
    const control = new DirectLineClient(cluster.url);
    await control.start();
    const expected: (string | undefined)[] = [];
    for (const text of ["check if it's serious", 'no', 'no']) {
      await sayOk(control, text);
      expected.push(askedEvidence(await transcript(control)));
    }
    expect(new Set(expected).size).toBe(3);

    const person = new DirectLineClient(cluster.url);
    await person.start();
    await sayOk(person, "check if it's serious");
    await sayOk(person, 'no');
    const before = await transcript(person);
    expect(askedEvidence(before)).toBe(expected[1]);

    await cluster.instances[1]!.kill9();

    // Several messages, so the proxy's round robin surely sends some to where the dead one was.
    await sayOk(person, 'no');
    const after = await transcript(person);
    expect(after.slice(0, before.length).map((x) => x.id)).toEqual(before.map((x) => x.id));
    expect(askedEvidence(after)).toBe(expected[2]);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${cluster.url}/healthz`);
      expect(res.status).toBe(200);
    }
  }, 60_000);
});
