// The widget's tools in Debian's chromium, on the chat page itself (one browser, a few steps):
// the privacy notice and link, "Where is this from?", "Download chat", and "Start over" after
// "delete my data". Loopback only; no CSP violations; no page errors.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeBrowserSession,
  conversationId,
  expectCleanBrowser,
  openBrowserSession,
  send,
  STEP_MS,
  transcript,
  waitForTranscript,
  type GuardedBrowser,
} from '../helpers/browser.js';
import type { RunningServer } from '../helpers/directline.js';

const WIDGET = parse(readFileSync('web/widget.yaml', 'utf8')) as { privacy: { notice: string; linkText: string; url: string } };

let running: RunningServer;
let browser: GuardedBrowser;
let page: Page;

beforeAll(async () => {
  ({ running, browser, page } = await openBrowserSession({ EMERGENCY_NUMBER: '999' }));
}, 30_000);

afterAll(() => closeBrowserSession({ running, browser }));

afterEach(() => expectCleanBrowser(browser));

describe('widget tools', () => {
  it('the privacy notice shows on first open, with the privacy link; once dismissed it stays away', async () => {
    await page.goto(`${running.url}/chat`);
    await waitForTranscript(page, /I.m Backline/);
    const notice = page.locator('#bl-notice');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain(WIDGET.privacy.notice);
    const link = page.getByRole('link', { name: WIDGET.privacy.linkText });
    expect(await link.getAttribute('href')).toBe(WIDGET.privacy.url);
    expect((await fetch(new URL(WIDGET.privacy.url, running.url))).status).toBe(200);
    await page.getByRole('button', { name: 'OK' }).click();
    expect(await notice.isVisible()).toBe(false);
    await page.reload();
    await waitForTranscript(page, /I.m Backline/);
    expect(await page.locator('#bl-notice').isVisible()).toBe(false);
  }, 30_000);

  it('"Where is this from?" after an article shows its sources; "Download chat" saves the conversation as text', async () => {
    await send(page, 'what is sciatica?');
    const actions = page.locator('.webchat__suggested-actions');
    await actions.getByRole('button', { name: 'Where is this from?' }).click();
    await waitForTranscript(page, /Sciatica\s*is based on:[\s\S]*Last reviewed:/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download chat' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^backline-chat-\d{4}-\d{2}-\d{2}\.txt$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toMatch(/In an emergency, call 999/);
    expect(text).toMatch(/You:\nwhat is sciatica\?/);
    expect(text).toMatch(/Backline:\n[\s\S]*sciatic nerve/i);
    expect(text).toMatch(/is based on:/);
  }, 30_000);

  it('"Start over" after "delete my data" opens a new conversation with the welcome', async () => {
    const before = await conversationId(page);
    await send(page, 'delete my data');
    await waitForTranscript(page, /can.t be undone/);
    await send(page, 'yes');
    await waitForTranscript(page, /Done\. I have deleted/);
    await page.getByRole('button', { name: 'Start over' }).click();
    await expect.poll(() => conversationId(page), { timeout: STEP_MS }).not.toBe(before);
    await waitForTranscript(page, /I.m Backline/);
    expect(await transcript(page)).not.toMatch(/Done\. I have deleted/);
  }, 30_000);
});
