// Debian's chromium driven by playwright-core, locked to loopback: every request to another host
// is blocked and recorded (a test fails if there is any), and CSP violations are recorded too.
// Never downloads a browser: a missing /usr/bin/chromium is an error, not a skip.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startServer, type RunningServer } from './directline.js';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface GuardedBrowser {
  context: BrowserContext;
  page: Page;
  /** URLs of requests to non-local hosts that were attempted (and blocked). */
  nonLocalRequests: string[];
  /** Content-Security-Policy violations reported by any page or frame. */
  cspViolations: string[];
  /** Uncaught page errors. */
  pageErrors: string[];
  close(): Promise<void>;
}

export function isLocalUrl(url: string): boolean {
  if (/^(data|blob|about):/.test(url)) return true;
  try {
    const { hostname } = new URL(url);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

export async function launchGuardedBrowser(): Promise<GuardedBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}. Install Debian's package (bash scripts/ensure-system-packages.sh, or apt-get install chromium). The browser tests never skip and never download a browser.`,
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'backline-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 820 },
    locale: 'en-US',
  });
  const nonLocalRequests: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  await context.route(
    (url) => !isLocalUrl(url.toString()),
    async (route) => {
      nonLocalRequests.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  await context.routeWebSocket(
    (url) => !isLocalUrl(url.toString().replace(/^ws/, 'http')),
    (ws) => {
      nonLocalRequests.push(ws.url());
      void ws.close();
    },
  );
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
    cspViolations.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportCspViolation(text: string): void }).__reportCspViolation(
        `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    nonLocalRequests,
    cspViolations,
    pageErrors,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The chat page frame inside the launcher's panel. */
export async function chatFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('#backline-panel iframe', { state: 'attached' });
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the chat panel has no frame');
  await frame.waitForLoadState('domcontentloaded');
  return frame;
}

export const SEND_BOX = '[data-id="webchat-sendbox-input"]';

/** After every browser test: loopback only, nothing tripped the CSP, no uncaught page errors. */
export function expectCleanBrowser(browser: GuardedBrowser): void {
  expect(browser.nonLocalRequests, 'requests to non-local hosts were attempted').toEqual([]);
  expect(browser.cspViolations, 'Content-Security-Policy violations').toEqual([]);
  expect(browser.pageErrors, 'uncaught page errors').toEqual([]);
}

/** How long one step of a browser test may wait. */
export const STEP_MS = 10_000;
/** Where the widget keeps its conversation in the browser (web/widget.js). */
export const CONVERSATION_KEY = 'backline.webchat.conversation';

type Target = Page | Frame;

/** The text of every message bubble in the Web Chat transcript, in order. */
export function transcript(target: Target): Promise<string> {
  return target.evaluate(() =>
    [...document.querySelectorAll('.webchat__basic-transcript .webchat__bubble__content')].map((b) => b.textContent ?? '').join('\n'),
  );
}

export async function waitForTranscript(target: Target, pattern: RegExp): Promise<void> {
  await expect.poll(() => transcript(target), { timeout: STEP_MS }).toMatch(pattern);
}

/** Types a message in Web Chat's send box and sends it. */
export async function send(target: Target, text: string): Promise<void> {
  await target.locator(SEND_BOX).fill(text);
  await target.locator(SEND_BOX).press('Enter');
}

/** The conversation id the widget kept in localStorage, if any. */
export function conversationId(target: Target): Promise<string | undefined> {
  return target.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { conversationId?: string }).conversationId, CONVERSATION_KEY);
}

/**
 * Where a tapped link or card action would go: Web Chat and the Teams client open URLs with
 * window.open (in Chromium: an empty window, then its location). Recorded in window.__opened
 * (see openedUrls) instead of opened, so a tel: link is checked without dialling.
 */
export async function recordOpenedWindows(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __opened: string[] };
    w.__opened = [];
    window.open = ((url?: string | URL) => {
      if (url) w.__opened.push(String(url));
      return {
        opener: null,
        set location(to: string) {
          w.__opened.push(String(to));
        },
      } as unknown as Window;
    }) as typeof window.open;
  });
}

/** The URLs recordOpenedWindows caught in this page or frame. */
export function openedUrls(target: Target): Promise<string[]> {
  return target.evaluate(() => (window as unknown as { __opened: string[] }).__opened);
}

/** A Backline server with the widget (tests/helpers/directline.ts) and a guarded browser on it. */
export interface BrowserSession {
  running: RunningServer;
  browser: GuardedBrowser;
  page: Page;
}

/** Starts both; each browser step waits at most STEP_MS. Close with closeBrowserSession. */
export async function openBrowserSession(env: Record<string, string>): Promise<BrowserSession> {
  const running = await startServer(env);
  const browser = await launchGuardedBrowser();
  browser.page.setDefaultTimeout(STEP_MS);
  return { running, browser, page: browser.page };
}

/** Closes what openBrowserSession started (either may be missing when the start failed). */
export async function closeBrowserSession(session: { running?: RunningServer | undefined; browser?: GuardedBrowser | undefined }): Promise<void> {
  await session.browser?.close();
  await session.running?.stop();
}
