// Web chat latency: from pressing Enter in the widget to the bot's reply rendered in the browser
// (Debian chromium, the demo page's panel, the built-in Direct Line, SQLite), with two baselines
// measured in the same run: the bot's turn alone (in-process), and the Direct Line round trip from
// Node (POST, reply on the WebSocket). Prints numbers; asserts nothing.
//
//   node --import tsx bench/widget.ts [--messages 20]
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackline, type Backline } from '../src/app.js';
import { InProcessConversation } from '../src/channels/inProcess.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { SqliteStorage } from '../src/storage/index.js';
import { chatFrame, launchGuardedBrowser, SEND_BOX } from '../tests/helpers/browser.js';
import { DirectLineClient } from '../tests/helpers/directline.js';
import { messages } from './args.js';

const TARGET_MS = 500;
const MESSAGES = messages;

// Questions that each get an answer, in any state (the bot answers a question mid-flow too).
const QUESTIONS = [
  'why does my back hurt when I lift my leg',
  'what is sciatica',
  'how can I ease the pain at home',
  'what is a slipped disc',
  'what causes lower back pain',
  'will I need surgery',
  'how do I prevent back pain',
  'should I see a doctor',
  'what is spinal stenosis',
  'arthritis in my lower back',
];
const question = (i: number) => QUESTIONS[i % QUESTIONS.length]!;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
function report(name: string, values: number[], target?: number) {
  const median = percentile(values, 50);
  const p95 = percentile(values, 95);
  const verdict = target === undefined ? 'baseline' : p95 < target ? `target < ${target} ms: met` : `target < ${target} ms: NOT MET`;
  console.log(`${name.padEnd(44)} median ${fmt(median).padStart(9)}   p95 ${fmt(p95).padStart(9)}   n=${values.length}   ${verdict}`);
}

async function inProcessTurns(backline: Backline): Promise<number[]> {
  const conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'webchat' });
  await conversation.join();
  for (let i = 0; i < 3; i++) await conversation.say(question(i));
  const times: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const start = performance.now();
    await conversation.say(question(i));
    times.push(performance.now() - start);
  }
  return times;
}

async function directLineRoundTrips(url: string): Promise<number[]> {
  const client = new DirectLineClient(url);
  await client.start();
  const stream = await client.openStream();
  await stream.until((all) => all.length >= 2);
  const times: number[] = [];
  for (let i = 0; i < MESSAGES + 3; i++) {
    const before = stream.activities.length;
    const start = performance.now();
    const res = await client.say(question(i));
    const { id } = (await res.json()) as { id: string };
    await stream.until((all) => all.slice(before).some((a) => a.replyToId === id));
    if (i >= 3) times.push(performance.now() - start);
  }
  stream.close();
  return times;
}

/**
 * Runs in the chat page (a string, so the bundler's helpers never leak into it): Enter on the
 * message box starts the clock; the first new bot bubble, once painted (the next animation
 * frame), stops it.
 */
const PAGE_TIMER = `(() => {
  const bubbles = () => document.querySelectorAll('.webchat__basic-transcript .webchat__bubble:not(.webchat__bubble--from-user)').length;
  const bench = (window.__bench = { botBubbles: bubbles() });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !event.target.matches(SEND_BOX)) return;
    bench.start = performance.now();
    bench.rendered = undefined;
    bench.botBubbles = bubbles();
  }, true);
  new MutationObserver(() => {
    if (bench.start === undefined || bench.rendered !== undefined || bubbles() <= bench.botBubbles) return;
    bench.rendered = -1;
    requestAnimationFrame(() => { bench.rendered = performance.now(); });
  }).observe(document.querySelector('.webchat__basic-transcript'), { childList: true, subtree: true });
})()`;

async function browserSendToRendered(url: string): Promise<number[]> {
  const browser = await launchGuardedBrowser();
  try {
    const page = browser.page;
    page.setDefaultTimeout(15_000);
    await page.goto(`${url}/`);
    await page.click('#backline-launcher');
    const frame = await chatFrame(page);
    await frame.waitForSelector('.webchat__bubble:not(.webchat__bubble--from-user)');
    await frame.evaluate(PAGE_TIMER.replace('SEND_BOX', JSON.stringify(SEND_BOX)));

    const times: number[] = [];
    for (let i = 0; i < MESSAGES + 3; i++) {
      await frame.locator(SEND_BOX).fill(question(i));
      await frame.locator(SEND_BOX).press('Enter');
      // Poll from outside (waitForFunction would need eval, which the page's CSP forbids).
      const deadline = Date.now() + 15_000;
      while (((await frame.evaluate('window.__bench.rendered ?? -1')) as number) <= 0) {
        if (Date.now() > deadline) throw new Error(`no reply rendered for "${question(i)}"`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const { start, rendered } = (await frame.evaluate('({ start: window.__bench.start, rendered: window.__bench.rendered })')) as {
        start: number;
        rendered: number;
      };
      if (i >= 3) times.push(rendered - start);
      // Let the rest of the turn's replies arrive before the next message.
      await page.waitForTimeout(150);
    }
    if (browser.nonLocalRequests.length > 0) throw new Error(`non-local requests attempted: ${browser.nonLocalRequests.join(', ')}`);
    return times;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'backline-bench-widget-'));
  const config = loadConfig({
    STORAGE: 'sqlite',
    SQLITE_PATH: join(dir, 'bench.db'),
    LOG_LEVEL: 'silent',
    DIRECT_LINE_TOKEN_RATE_LIMIT: '1000',
    SHOW_STARTUP_BANNER: 'false',
  });
  const backline = createBackline(config, { logger: silentLogger, retentionSweep: false, warmUp: true, storage: new SqliteStorage(join(dir, 'bench.db')) });
  const server: Server = await new Promise((resolve) => {
    const s = backline.createServer().listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    console.log(`web chat latency (${MESSAGES} messages each, after 3 warm-up; SQLite; Debian chromium)`);
    report('bot turn, in-process (baseline)', await inProcessTurns(backline));
    report('Direct Line post -> reply on stream, Node', await directLineRoundTrips(url));
    report('browser send -> reply rendered', await browserSendToRendered(url), TARGET_MS);
  } finally {
    backline.webChat.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await backline.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
