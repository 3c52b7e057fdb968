// The widget's tools in Debian's chromium, on the chat page itself (one browser, a few steps):
// the privacy notice and link, "Where is this from?", "Download chat", and "Start over" after
// "delete my data". Loopback only; no CSP violations; no page errors.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanBrowser, launchGuardedBrowser, SEND_BOX, type GuardedBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/directline.js';

const STEP_MS = 10_000;
const STORAGE_KEY = 'backline.webchat.conversation';
const WIDGET = parse(readFileSync('web/widget.yaml', 'utf8')) as { privacy: { notice: string; linkText: string; url: string } };

let running: RunningServer;
let browser: GuardedBrowser;
let page: Page;

beforeAll(async () => {
  running = await startServer({ EMERGENCY_NUMBER: '999' });
  browser = await launchGuardedBrowser();
  page = browser.page;
  page.setDefaultTimeout(STEP_MS);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

afterEach(() => expectCleanBrowser(browser));

function transcript(): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('.webchat__basic-transcript .webchat__bubble__content')].map((b) => b.textContent ?? '').join('\n'));
}

async function waitForTranscript(pattern: RegExp): Promise<void> {
  await expect.poll(transcript, { timeout: STEP_MS }).toMatch(pattern);
}

async function send(text: string): Promise<void> {
  await page.locator(SEND_BOX).fill(text);
  await page.locator(SEND_BOX).press('Enter');
}

const conversationId = () => page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { conversationId?: string }).conversationId, STORAGE_KEY);

describe('widget tools', () => {
  it('the privacy notice shows on first open, with the privacy link; once dismissed it stays away', async () => {
    await page.goto(`${running.url}/chat`);
    await waitForTranscript(/I.m Backline/);
    const notice = page.locator('#bl-notice');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain(WIDGET.privacy.notice);
    const link = page.getByRole('link', { name: WIDGET.privacy.linkText });
    expect(await link.getAttribute('href')).toBe(WIDGET.privacy.url);
    expect((await fetch(new URL(WIDGET.privacy.url, running.url))).status).toBe(200);
    await page.getByRole('button', { name: 'OK' }).click();
    expect(await notice.isVisible()).toBe(false);
    await page.reload();
    await waitForTranscript(/I.m Backline/);
    expect(await page.locator('#bl-notice').isVisible()).toBe(false);
  }, 30_000);

  it('"Where is this from?" after an article shows its sources; "Download chat" saves the conversation as text', async () => {
    await send('what is sciatica?');
    const actions = page.locator('.webchat__suggested-actions');
    await actions.getByRole('button', { name: 'Where is this from?' }).click();
    await waitForTranscript(/Sciatica\s*is based on:[\s\S]*Last reviewed:/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download chat' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^backline-chat-\d{4}-\d{2}-\d{2}\.txt$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toMatch(/In an emergency, call 999/);
    expect(text).toMatch(/You:\nwhat is sciatica\?/);
    expect(text).toMatch(/Backline:\n[\s\S]*sciatic nerve/i);
    expect(text).toMatch(/is based on:/);
  }, 30_000);

  it('"Start over" after "delete my data" opens a new conversation with the welcome', async () => {
    const before = await conversationId();
    await send('delete my data');
    await waitForTranscript(/can.t be undone/);
    await send('yes');
    await waitForTranscript(/Done\. I have deleted/);
    await page.getByRole('button', { name: 'Start over' }).click();
    await expect.poll(conversationId, { timeout: STEP_MS }).not.toBe(before);
    await waitForTranscript(/I.m Backline/);
    expect(await transcript()).not.toMatch(/Done\. I have deleted/);
  }, 30_000);
});
