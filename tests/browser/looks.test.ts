// In Debian's chromium, the widget as a patient sees it: urgent advice is an alert with a
// tap-to-call button (its look, its tel: target, its words), and on a phone (375x667) the
// close button leaves the send button free and the suggested actions leave the conversation
// most of the screen while every option stays reachable.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chatFrame,
  closeBrowserSession,
  expectCleanBrowser,
  openBrowserSession,
  openedUrls,
  recordOpenedWindows,
  send,
  STEP_MS,
  transcript,
  type GuardedBrowser,
} from '../helpers/browser.js';
import type { RunningServer } from '../helpers/directline.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const PHONE = { width: 375, height: 667 };

let running: RunningServer;
let browser: GuardedBrowser;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ running, browser, page } = await openBrowserSession({ EMERGENCY_NUMBER: '999' }));
  await recordOpenedWindows(browser.context);
}, 30_000);

afterAll(() => closeBrowserSession({ running, browser }));

afterEach(() => expectCleanBrowser(browser));

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the widget on a phone (375x667)', () => {
  let frame: Frame;

  it('the open chat fills the screen, its own close button shows, and nothing floats over the send button', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${running.url}/`);
    await page.locator('#backline-launcher').click();
    frame = await chatFrame(page);
    await expect.poll(() => transcript(frame), { timeout: STEP_MS }).toMatch(/I.m Backline/);
    const send = await frame.locator('.webchat__send-button, button[title="Send"]').first().boundingBox();
    expect(send).not.toBeNull();
    const launcher = page.locator('#backline-launcher');
    // The floating launcher (a close button while open) is out of the way; the panel's close works.
    if (await launcher.isVisible()) expect(overlaps((await launcher.boundingBox())!, send!)).toBe(false);
    expect(await launcher.isVisible()).toBe(false);
    const close = frame.locator('#bl-close');
    expect(await close.isVisible()).toBe(true);
    // Every point of the send button is the send button (not covered by anything in the page).
    const centre = { x: send!.x + send!.width / 2, y: send!.y + send!.height / 2 };
    expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.tagName, centre)).toBe('IFRAME');
    await close.click();
    await expect.poll(() => launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await launcher.isVisible()).toBe(true);
    await launcher.click();
    await expect.poll(() => page.locator('#backline-panel').isVisible()).toBe(true);
  }, 30_000);

  it('a long menu takes at most a fifth of the screen and every option can still be reached and tapped', async () => {
    await send(frame, 'what causes back and leg pain');
    const strip = frame.locator('.webchat__suggested-actions');
    await strip.getByRole('button', { name: 'Osteoarthritis' }).waitFor({ state: 'attached' });
    const box = (await frame.locator('.webchat__suggested-actions__flow-box').boundingBox())!;
    expect(box.height).toBeLessThanOrEqual(PHONE.height * 0.21);
    const labels = await strip.getByRole('button').allInnerTexts();
    for (const label of ['Tell me more', 'Sciatica', 'Spinal stenosis', 'Osteoarthritis', 'Main menu', 'Where is this from?']) expect(labels).toContain(label);
    await page.screenshot({ path: join(ARTIFACTS, 'widget-phone-menu.png') });
    // The last options are below the fold of the strip: scrolled to and tapped like any other.
    const osteoarthritis = strip.getByRole('button', { name: 'Osteoarthritis' });
    await osteoarthritis.scrollIntoViewIfNeeded();
    await osteoarthritis.click();
    await expect.poll(() => transcript(frame), { timeout: STEP_MS }).toMatch(/osteoarthritis/i);
  }, 30_000);

  it('urgent advice is a red alert with a "Call 999" button that dials tel:999', async () => {
    await send(frame, "I can't feel my bum when I wipe and I've wet myself");
    const alert = frame.locator('[id^="backline-alert-"]').last();
    await alert.waitFor({ timeout: STEP_MS });
    await expect.poll(() => transcript(frame)).toMatch(/go to A&E/i);
    const look = await alert.evaluate((el) => {
      const style = getComputedStyle(el);
      return { border: style.borderLeftColor, borderWidth: style.borderLeftWidth, background: style.backgroundColor };
    });
    expect(look).toEqual({ border: 'rgb(179, 38, 30)', borderWidth: '8px', background: 'rgb(253, 236, 234)' });
    const call = alert.getByRole('button', { name: 'Call 999' });
    expect(await call.innerText()).toBe('Call 999');
    expect(await call.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(179, 38, 30)');
    await call.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'widget-phone-alert.png') });
    await call.click();
    await expect.poll(() => openedUrls(frame)).toContain('tel:999');
  }, 30_000);

  it('the transcript still scrolls (Web Chat styles it without a patched document head)', async () => {
    const overflow = await frame.locator('.webchat__basic-transcript__scrollable').evaluate((el) => getComputedStyle(el).overflowY);
    expect(overflow).toBe('auto');
    const scroll = await frame
      .locator('.webchat__basic-transcript__scrollable')
      .evaluate((el) => ({ scrollHeight: el.scrollHeight, clientHeight: el.clientHeight }));
    expect(scroll.scrollHeight).toBeGreaterThan(scroll.clientHeight);
  });
});
