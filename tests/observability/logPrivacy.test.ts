// "No message text in logs", enforced: real conversations (in-process, the Bot Framework HTTP
// endpoint, the built-in Direct Line, and a team member in the agent console) at LOG_LEVEL=debug,
// each message carrying a made-up word; the captured log output must contain none of them, nor
// any sentence the bot answered, nor the team member's password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackline } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { QueueItem } from '../../src/handoff/console.js';
import { createLogger } from '../../src/logger.js';
import { Chat } from '../helpers/backline.js';
import { botTexts, DirectLineClient, TEST_TOKEN_SECRET, type WireActivity } from '../helpers/directline.js';
import { activity, post, startHttpHarness, type HttpHarness } from '../helpers/http.js';
import { AGENT_PASSWORD, AgentClient, agentOnline, supportEnv } from '../helpers/support.js';

/** Words no log line could contain by chance. */
const WORDS = ['zorbleflax', 'quibbertine', 'marmaladequoll', 'vexillopharn', 'glimmerquist', 'wibblewort', 'snarkleberry', 'plonkavian'];

const lines: string[] = [];
/** Everything the bot said, to check that no answer reaches the logs either. */
const botSaid: string[] = [];
let harness: HttpHarness;

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    STORAGE: 'memory',
    LOG_LEVEL: 'debug',
    NLU_CACHE_DIR: 'data/test-nlu-cache',
    DIRECT_LINE_TOKEN_SECRET: TEST_TOKEN_SECRET,
    DIRECT_LINE_TOKEN_RATE_LIMIT: '1000',
    ...supportEnv(),
  });
  harness = await startHttpHarness(createBackline(config, { logger: createLogger('debug', (line) => lines.push(line)), retentionSweep: false }));
});

afterAll(async () => {
  harness.backline.webChat.close();
  await harness.stop();
});

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the logger', () => {
  it('writes one JSON line with level, t and event, and redacts fields that could carry text', () => {
    const out: string[] = [];
    createLogger('info', (line) => out.push(line)).info('turn', { text: 'my back hurts', answers: 'yes', message: 'hello', conversations: 2 });
    createLogger('info', (line) => out.push(line)).debug('below_the_level');
    expect(out).toHaveLength(1);
    const line = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', event: 'turn', text: '[redacted]', answers: '[redacted]', message: '[redacted]', conversations: 2 });
    expect(new Date(line.t as string).toISOString()).toBe(line.t);
  });
});

describe('logs carry no message text', () => {
  it('an in-process conversation with a red flag: none of its words are logged', async () => {
    const chat = await new Chat(harness.backline).open();
    await chat.say(`my back hurts when I lift my left leg, ${WORDS[0]}`);
    botSaid.push(chat.text());
    await chat.say(`and since this morning I cannot feel my bottom when I wipe ${WORDS[1]}`);
    expect(chat.firstUrgentIndex()).toBeGreaterThanOrEqual(0);
    botSaid.push(chat.text());
  });

  it('a person on the Bot Framework endpoint asks for a human; a team member claims, writes and closes the case', async () => {
    await agentOnline(harness.backline);
    const { capture, url } = harness;
    const say = (text: string) => post(url, activity(capture, 'log-privacy-1', { text }));
    expect((await say(`why does it hurt to lift my leg ${WORDS[2]}`)).status).toBe(200);
    expect((await say(`let me talk to a real person ${WORDS[3]}`)).status).toBe(200);

    const sam = new AgentClient(url);
    expect((await sam.login('sam', AGENT_PASSWORD)).status).toBe(200);
    const item = (await sam.json<{ cases: QueueItem[] }>(sam.get('/queue'))).cases.find((c) => c.status === 'waiting')!;
    expect(item).toBeDefined();
    await sam.json(sam.post(`/cases/${item.id}/claim`));
    await sam.json(sam.post(`/cases/${item.id}/messages`, { text: `Hello, any numbness? ${WORDS[4]}` }));
    expect((await say(`no numbness at all ${WORDS[5]}`)).status).toBe(200);
    await sam.json(sam.post(`/cases/${item.id}/close`, { note: `advice given ${WORDS[6]}` }));
    botSaid.push(...capture.for('log-privacy-1').map((r) => r.body.text ?? ''));
  });

  it('a Direct Line conversation: none of its words are logged', async () => {
    const client = new DirectLineClient(harness.url);
    await client.start();
    expect((await client.say(`my leg and back ache ${WORDS[7]}`)).status).toBe(200);
    let activities: WireActivity[] = [];
    await waitUntil(async () => {
      activities = ((await (await client.poll()).json()) as { activities: WireActivity[] }).activities;
      const mine = activities.findIndex((a) => a.from.id === client.userId);
      return mine >= 0 && activities.slice(mine + 1).some((a) => a.type === 'message' && a.from.id !== client.userId);
    });
    botSaid.push(botTexts(activities));
  });

  it('the captured log output contains none of the words, no answer and no password', () => {
    const output = lines.join('\n');
    // The conversations above were logged (turns, the case, the console), so the check is not empty.
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const events = new Set(lines.map((l) => (JSON.parse(l) as { event: string }).event));
    expect([...events].length).toBeGreaterThan(5);
    for (const word of WORDS) expect(output.toLowerCase(), `log output contains "${word}"`).not.toContain(word);
    expect(output).not.toContain(AGENT_PASSWORD);
    // Sentences the bot answered (their first 40 characters) do not reach the logs either.
    const sentences = botSaid
      .flatMap((text) => text.split(/\n+/))
      .filter((s) => s.length >= 40)
      .map((s) => s.slice(0, 40));
    expect(sentences.length).toBeGreaterThan(3);
    for (const sentence of sentences) expect(output).not.toContain(sentence);
  });
});
