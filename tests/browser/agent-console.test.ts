// End to end in Debian's chromium: a person chats in the web widget (/chat, over the built-in
// Direct Line) and asks for a human; a team member signs in to the agent console (/agent) in
// another tab, sees the case arrive in the live queue with its summary, claims it, and they talk
// both ways until the team member closes it and the bot asks for feedback. Also: a warning sign
// typed to the team member still gets urgent advice at once; axe-core; the CSP; loopback only.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchGuardedBrowser, SEND_BOX, type GuardedBrowser, expectCleanBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/directline.js';
import { AGENT_PASSWORD, supportEnv } from '../helpers/support.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const AXE = readFileSync(join(process.cwd(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const STEP_MS = 10_000;

let running: RunningServer;
let browser: GuardedBrowser;
let agent: Page;
let person: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  running = await startServer(supportEnv({ EMERGENCY_NUMBER: '999' }));
  browser = await launchGuardedBrowser();
  agent = browser.page;
  agent.setDefaultTimeout(STEP_MS);
  person = await browser.context.newPage();
  person.setDefaultTimeout(STEP_MS);
  person.on('pageerror', (error) => browser.pageErrors.push(error.message));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

afterEach(() => expectCleanBrowser(browser));

/** What the person sees in Web Chat, in order. */
function chatTranscript(): Promise<string> {
  return person.evaluate(() =>
    [...document.querySelectorAll('.webchat__basic-transcript .webchat__bubble__content')].map((b) => b.textContent ?? '').join('\n'),
  );
}

async function personSays(text: string): Promise<void> {
  await person.locator(SEND_BOX).fill(text);
  await person.locator(SEND_BOX).press('Enter');
}

async function personSees(pattern: RegExp): Promise<void> {
  await expect.poll(chatTranscript, { timeout: STEP_MS }).toMatch(pattern);
}

function consoleTranscript(): Promise<string> {
  return agent.locator('#transcript').innerText();
}

async function runAxe(page: Page): Promise<{ id: string; nodes: string[] }[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }),
  )) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

describe('the agent console, beside a person chatting in the widget', () => {
  it('the team member signs in; the console is empty and accessible', async () => {
    await agent.goto(`${running.url}/agent/`);
    await agent.getByLabel('Agent id').fill('sam');
    await agent.getByLabel('Password or admin token').fill('not the password');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => agent.locator('#sign-in-error').innerText()).toMatch(/do not match/);
    await agent.getByLabel('Password or admin token').fill(AGENT_PASSWORD);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => agent.locator('#who-name').innerText()).toBe('Sam Lee');
    await expect.poll(() => agent.locator('#connection').innerText()).toMatch(/Live/);
    expect(await agent.locator('#queue-empty').isVisible()).toBe(true);
    expect(await runAxe(agent)).toEqual([]);
  }, 30_000);

  it('a person asks for a human in the widget; the case appears in the live queue with its summary', async () => {
    await person.goto(`${running.url}/chat`);
    await personSees(/I.m Backline/);
    await personSays('why does my back hurt when I lift my leg');
    await personSees(/straight leg/);
    await personSays('let me talk to a real person');
    await personSees(/number 1 in the queue/);

    // No reload: the queue updates by itself (server-sent events).
    const item = agent.locator('.queue-item').first();
    await expect.poll(() => item.innerText(), { timeout: STEP_MS }).toMatch(/Chat · Waiting[\s\S]*Asked for a person[\s\S]*Web chat/);
    await item.click();
    await expect.poll(() => agent.locator('#case-title').innerText()).toBe('Chat: Waiting');
    await expect.poll(() => agent.locator('#case-summary').innerText()).toMatch(/Asked about\s+Why lifting my leg hurts/);
    await expect.poll(consoleTranscript).toMatch(/let me talk to a real person/);
    expect(await runAxe(agent)).toEqual([]);
  }, 30_000);

  it('the team member claims it; messages go both ways; a warning sign still gets urgent advice at once', async () => {
    await agent.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => agent.locator('#case-status').innerText()).toMatch(/claimed this case/);
    await personSees(/Sam Lee from the support team has joined the chat/);

    await personSays('it started when I moved house');
    await expect.poll(consoleTranscript, { timeout: STEP_MS }).toMatch(/it started when I moved house/);

    await agent.getByLabel('Message to the person').fill('Thanks. Do you have any numbness?');
    await agent.getByRole('button', { name: 'Send' }).click();
    await personSees(/Sam Lee: Thanks\. Do you have any numbness\?/);

    await personSays("yes I can't feel anything down there");
    await personSees(/Go to A&E now[\s\S]*let Sam Lee know/);
    await expect.poll(() => agent.locator('#case-flags').innerText(), { timeout: STEP_MS }).not.toBe('');
    await expect.poll(() => agent.locator('.queue-item.urgent').count()).toBe(1);
    await agent.screenshot({ path: join(ARTIFACTS, 'agent-console-live.png') });
  }, 40_000);

  it('closing the case brings the bot back, which asks for feedback', async () => {
    await agent.getByLabel(/Closing note/).fill('Told to go to the emergency department.');
    await agent.getByRole('button', { name: 'Close case' }).click();
    await personSees(/The chat with Sam Lee has ended[\s\S]*Did talking to the team help/);
    await expect.poll(() => agent.locator('#case-title').innerText()).toBe('Chat: Closed');
    await expect.poll(() => agent.locator('#queue-empty').isVisible()).toBe(true);
    await person.locator('.webchat__suggested-actions').getByRole('button', { name: 'Yes', exact: true }).click();
    await personSees(/add a comment/);
    await person.screenshot({ path: join(ARTIFACTS, 'agent-console-person.png') });
  }, 30_000);

  it('signing out ends the session; the console asks to sign in again', async () => {
    await agent.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => agent.locator('#sign-in').isVisible()).toBe(true);
    await agent.reload();
    await expect.poll(() => agent.locator('#sign-in').isVisible()).toBe(true);
    const status = await agent.evaluate(async () => (await fetch('/agent/api/queue')).status);
    expect(status).toBe(401);
  }, 20_000);
});
