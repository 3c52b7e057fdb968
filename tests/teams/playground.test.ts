// End to end in a Teams client: the Microsoft 365 Agents Playground (channel msteams, offline)
// talks to a real Backline server over HTTP, and Debian's chromium drives the playground's
// chat UI: install welcome, the headline question, a card button, a red-flag answer and its alert
// (attention style, a "Call 999" button to tel:999).
// Nothing may leave the machine: the browser blocks and records every non-local request, the
// playground process refuses non-loopback connections, and so does this test process.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { testBackline } from '../helpers/backline.js';
import { launchGuardedBrowser, openedUrls, recordOpenedWindows, type GuardedBrowser } from '../helpers/browser.js';
import { close, listen } from '../helpers/http.js';
import { startPlayground, type Playground } from './support/playground.js';
import { loopbackGuard } from './support/teams.js';

/**
 * The playground's UI bundle loads Segoe UI fonts and a paint worklet from Microsoft's CDN (Fluent
 * UI's hard-coded defaults; no setting turns them off). Offline, we point that origin at a local
 * path when the bundle is served to the browser; the fonts then fall back to system fonts. Any
 * other non-local request still fails the test.
 */
const CDN_ORIGINS = ['https://res-1.cdn.office.net', 'https://res.cdn.office.net'];
const LOCAL_CDN_PATH = '/_offline-cdn';
/** The bot's messages in the chat (the playground's log panel repeats them, cut short). */
const BOT_MESSAGE = '.fai-OutputCard';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

let backline: Backline;
let server: Server;
let playground: Playground;
let browser: GuardedBrowser;
let page: Page;
let rewrittenCdnUrls = 0;

beforeAll(async () => {
  backline = testBackline({ EMERGENCY_NUMBER: '999' });
  const { server: listening, url } = await listen(backline);
  server = listening;
  playground = await startPlayground(`${url}/api/messages`);
  browser = await launchGuardedBrowser();
  page = browser.page;
  // Where a tapped card link would go (Action.OpenUrl): recorded instead of opened.
  await recordOpenedWindows(browser.context);
  await page.route(`${playground.url}/static/js/*.js`, async (route: Route) => {
    const response = await route.fetch();
    let body = await response.text();
    for (const origin of CDN_ORIGINS) {
      rewrittenCdnUrls += body.split(origin).length - 1;
      body = body.split(origin).join(`${playground.url}${LOCAL_CDN_PATH}`);
    }
    await route.fulfill({ response, body });
  });
  await page.route(`${playground.url}${LOCAL_CDN_PATH}/**`, (route: Route) => route.fulfill({ status: 404, body: '' }));
}, 60_000);

afterAll(async () => {
  if (page) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'teams-playground.png') }).catch(() => undefined);
  }
  await browser?.close();
  await playground?.stop();
  if (server) await close(server);
  await backline?.close();
});

/** The chat's send box is a rich-text editor; type like a person and press Enter. */
async function say(text: string): Promise<void> {
  const box = page.locator('[contenteditable="true"][role="textbox"]');
  await box.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

function botMessage(text: string) {
  return page.locator(BOT_MESSAGE).filter({ hasText: text });
}

async function pressCardButton(title: string): Promise<void> {
  const buttons = page.locator(`${BOT_MESSAGE} .ac-actionSet button[title="${title.replace(/"/g, '\\"')}"]`);
  await buttons.last().waitFor({ state: 'visible' });
  await buttons.last().click();
}

describe('Backline in the Microsoft 365 Agents Playground (Teams client, offline)', { timeout: 40_000 }, () => {
  it('the welcome arrives on install, with the menu as an Adaptive Card', async () => {
    await page.goto(playground.url);
    await botMessage("Hi, I'm Backline").first().waitFor({ timeout: 15_000 });
    await page.locator(`${BOT_MESSAGE} .ac-adaptiveCard`).first().waitFor();
    for (const title of ['Why does it hurt when I lift my leg?', "Check if it's serious", 'Talk to a person']) {
      await expect(page.locator(`${BOT_MESSAGE} .ac-actionSet button[title="${title}"]`).count()).resolves.toBeGreaterThan(0);
    }
    expect(await botMessage('In an emergency, call 999 now').count()).toBe(1);
    // Greeted once, although the playground announces both conversationUpdate and installationUpdate.
    expect(await botMessage("Hi, I'm Backline").count()).toBe(1);
  });

  it('the headline question is answered', async () => {
    const before = await page.locator(BOT_MESSAGE).count();
    await say('why does my back hurt when I lift my leg');
    await expect.poll(() => page.locator(BOT_MESSAGE).count(), { timeout: 10_000 }).toBeGreaterThan(before);
    // The emergency signs card comes first (safety-netting, issue #11), then the answer.
    await expect
      .poll(async () => (await page.locator(BOT_MESSAGE).allInnerTexts()).slice(before).join('\n'), { timeout: 10_000 })
      .toMatch(/nerve|sciatic|disc/i);
  });

  it('a card button is clicked and the dialog engine handles it', async () => {
    await pressCardButton("Check if it's serious");
    await botMessage('the area that would touch a saddle').last().waitFor({ timeout: 10_000 });
    await page.locator(`${BOT_MESSAGE} .ac-actionSet button[title="Yes"]`).last().waitFor();
  });

  it('a red-flag answer produces the urgent advice', async () => {
    await pressCardButton('Yes');
    const urgent = botMessage('Please go to A&E at the nearest hospital').last();
    await urgent.waitFor({ timeout: 10_000 });
    expect(await urgent.innerText()).toMatch(/Go to A&E now[\s\S]*call 999/);
  });

  it('the urgent advice is an alert: the attention style around it and a "Call 999" button to tel:999', async () => {
    const urgent = botMessage('Please go to A&E at the nearest hospital').last();
    // The attention Container: the card inside the card, holding the advice and the call button.
    const alert = urgent.locator('.ac-adaptiveCard .ac-container').filter({ hasText: 'Go to A&E now' }).first();
    await alert.waitFor();
    const colours = await alert.evaluate((el) => ({
      alert: getComputedStyle(el).backgroundColor,
      card: getComputedStyle(el.closest('.ac-adaptiveCard')!).backgroundColor,
    }));
    // Drawn on the host's attention colour (the Teams light theme's light red), not the card's white.
    expect(colours).toEqual({ alert: 'rgb(255, 197, 178)', card: 'rgb(255, 255, 255)' });
    const call = alert.locator('.ac-actionSet button[aria-label="Call 999"]');
    expect(await call.innerText()).toBe('Call 999');
    // The playground shows an Action.OpenUrl as a link whose title is its target.
    expect(await call.getAttribute('role')).toBe('link');
    expect(await call.getAttribute('title')).toBe('tel:999');
    await page.screenshot({ path: join(ARTIFACTS, 'teams-playground-alert.png') });
    await call.click();
    await expect.poll(() => openedUrls(page)).toContain('tel:999');
  });

  it('nothing left this machine: no browser request, playground connection or test connection to another host', () => {
    expect(browser.nonLocalRequests, 'the browser tried to reach another host').toEqual([]);
    expect(playground.blockedConnections(), 'the playground tried to reach another host').toEqual([]);
    expect(loopbackGuard.blocked, 'this test process tried to reach another host').toEqual([]);
    expect(browser.pageErrors).toEqual([]);
    // The CDN rewrite really happened (so the check above is not passing by luck).
    expect(rewrittenCdnUrls).toBeGreaterThan(0);
  });
});
