// The agent console's tools in Debian's chromium, one browser for the file: two team members
// (Sam on 127.0.0.1, Alex on localhost: two origins, so two separate sessions in one browser
// profile) and a person in the web chat. Covers: Send / Close hidden until a claim, a desktop
// notification and a beep for a new case (louder for an urgent one), the bot's markdown shown as
// formatting, canned replies, Enter to send and Shift+Enter for a new line, typing shown both
// ways, presence, a transfer
// from Sam to Alex, the urgent-advice alert mid-chat, the person-left state, closed-case history
// and the Figures tab drawing charts from seeded figures. Loopback only; CSP clean.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDailyStats } from '../../src/handoff/stats.js';
import { launchGuardedBrowser, SEND_BOX, expectCleanBrowser, type GuardedBrowser } from '../helpers/browser.js';
import { traceWebChat, webChatTrace } from './chatTrace.js';
import { startServer, type RunningServer } from '../helpers/directline.js';
import { AGENT_PASSWORD, supportEnv } from '../helpers/support.js';

const STEP_MS = 10_000;
// Opening a page parses Web Chat's 3.9 MB bundle (the chat) or signs in (the console): under
// full-suite load that alone took over 10 s, and starting the server and the browser over 30 s.
const NAVIGATION_MS = 30_000;
const SET_UP_MS = 90_000;
let running: RunningServer;
let browser: GuardedBrowser;
let sam: Page;
let alex: Page;
let person: Page;
let alexUrl: string;

interface Recorded {
  __notifications: { title: string; body: string }[];
  __oscillators: number;
}

beforeAll(async () => {
  running = await startServer(supportEnv({ EMERGENCY_NUMBER: '999' }));
  alexUrl = running.url.replace('127.0.0.1', 'localhost');
  browser = await launchGuardedBrowser();
  await browser.context.grantPermissions(['notifications'], { origin: running.url });
  await browser.context.grantPermissions(['notifications'], { origin: alexUrl });
  // Records every Notification constructed and every oscillator started (the Web Audio beep).
  await browser.context.addInitScript(() => {
    const w = window as unknown as Recorded & { Notification: typeof Notification };
    w.__notifications = [];
    w.__oscillators = 0;
    const Original = w.Notification;
    if (Original) {
      const Wrapped = function (this: unknown, title: string, options?: NotificationOptions) {
        w.__notifications.push({ title, body: options?.body ?? '' });
        return new Original(title, options);
      } as unknown as typeof Notification;
      Object.defineProperty(Wrapped, 'permission', { get: () => Original.permission });
      (Wrapped as unknown as { requestPermission: typeof Notification.requestPermission }).requestPermission = Original.requestPermission.bind(Original);
      w.Notification = Wrapped;
    }
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.__oscillators += 1;
      return create.call(this);
    };
  });
  await traceWebChat(browser.context);
  sam = browser.page;
  alex = await browser.context.newPage();
  person = await browser.context.newPage();
  for (const page of [sam, alex, person]) {
    page.setDefaultTimeout(STEP_MS);
    page.setDefaultNavigationTimeout(NAVIGATION_MS);
  }
  for (const page of [alex, person]) page.on('pageerror', (error) => browser.pageErrors.push(error.message));
}, SET_UP_MS);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

afterEach(() => expectCleanBrowser(browser));

const recorded = (page: Page) =>
  page.evaluate(() => ({ notifications: (window as unknown as Recorded).__notifications, oscillators: (window as unknown as Recorded).__oscillators }));
const chatText = () =>
  person.evaluate(() => [...document.querySelectorAll('.webchat__basic-transcript .webchat__bubble__content')].map((b) => b.textContent ?? '').join('\n'));
/** Waits for the person's transcript to show `pattern`; if it does not, says what their Web Chat received. */
async function personSees(pattern: RegExp): Promise<void> {
  try {
    await expect.poll(chatText, { timeout: STEP_MS }).toMatch(pattern);
  } catch (error) {
    if (error instanceof Error) error.message += `\n\nThe person's Web Chat (ids and types only):\n${await webChatTrace(person)}`;
    throw error;
  }
}
async function personSays(text: string): Promise<void> {
  await person.locator(SEND_BOX).fill(text);
  await person.locator(SEND_BOX).press('Enter');
}

async function signIn(page: Page, base: string, id: string, name: string): Promise<void> {
  await page.goto(`${base}/agent/`);
  await page.getByLabel('Agent id').fill(id);
  await page.getByLabel('Password or admin token').fill(AGENT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.locator('#who-name').innerText()).toBe(name);
  await expect.poll(() => page.locator('#connection').innerText()).toMatch(/Live/);
}

describe('two team members and a person', () => {
  let caseId = '';

  it(
    'a new case: notification and beep for both; Send and Close stay hidden until a claim',
    async () => {
      await signIn(sam, running.url, 'sam', 'Sam Lee');
      await signIn(alex, alexUrl, 'alex', 'Alex Kim');
      await sam.getByRole('button', { name: 'Turn on alerts' }).click();
      await expect.poll(() => sam.locator('#enable-alerts').innerText()).toBe('Alerts on');

      await person.goto(`${running.url}/chat`);
      await personSees(/I.m Backline/);
      await personSays('let me talk to a real person');
      await personSees(/number 1 in the queue/);

      await expect.poll(async () => (await recorded(sam)).notifications, { timeout: STEP_MS }).toEqual([{ title: 'A new case is waiting', body: 'Chat' }]);
      await expect.poll(async () => (await recorded(alex)).notifications.length).toBe(1);
      expect((await recorded(sam)).oscillators).toBe(1);

      await sam.locator('.queue-item').first().click();
      await expect.poll(() => sam.locator('#case-title').innerText()).toBe('Chat: Waiting');
      caseId = (await sam.locator('.queue-item').first().getAttribute('data-case-id')) ?? '';
      expect(await sam.getByRole('button', { name: 'Claim' }).isVisible()).toBe(true);
      expect(await sam.getByRole('button', { name: 'Send' }).isVisible()).toBe(false);
      expect(await sam.getByRole('button', { name: 'Close case' }).isVisible()).toBe(false);
      // The bot's markdown is formatting in the console, not asterisks.
      await expect.poll(() => sam.locator('#transcript strong').count()).toBeGreaterThan(0);
      expect(await sam.locator('#transcript').innerText()).not.toContain('**');
    },
    40_000 + 3 * NAVIGATION_MS,
  ); // three pages open here: two sign-ins and the chat

  it('Sam claims, uses a canned reply, Enter sends and Shift+Enter is a new line; typing reaches the person', async () => {
    await sam.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => sam.locator('#case-status').innerText()).toMatch(/claimed this case/);
    await personSees(/Sam Lee from the support team has joined/);
    expect(await sam.getByRole('button', { name: 'Send' }).isVisible()).toBe(true);

    await sam.getByLabel('Canned reply').selectOption({ label: 'Greeting' });
    await expect.poll(() => sam.locator('#reply').inputValue()).toMatch(/thanks for waiting/);
    await sam.locator('#reply').press('Enter');
    await personSees(/Sam Lee: Hello, thanks for waiting/);
    await expect.poll(() => sam.locator('#reply').inputValue()).toBe('');

    await sam.locator('#reply').pressSequentially('First line');
    // The typing indicator shows in the person's chat while Sam types.
    await expect.poll(() => person.locator('.webchat__typing-indicator').count(), { timeout: STEP_MS }).toBeGreaterThan(0);
    await sam.locator('#reply').press('Shift+Enter');
    await sam.locator('#reply').pressSequentially('second line');
    expect(await sam.locator('#reply').inputValue()).toBe('First line\nsecond line');
    await sam.locator('#reply').press('Enter');
    await personSees(/First line\s*second line/);
  }, 40_000);

  it('presence: Alex goes away and back; Sam transfers the chat to Alex, who then has it', async () => {
    await alex.getByLabel('Status').selectOption('away');
    await expect.poll(() => alex.locator('#case-status').innerText()).toMatch(/away/);
    await expect.poll(() => sam.locator('#transfer-to').innerText(), { timeout: STEP_MS }).toMatch(/Alex Kim \(away\)/);
    await alex.getByLabel('Status').selectOption('available');
    await expect.poll(() => sam.locator('#transfer-to').innerText(), { timeout: STEP_MS }).not.toMatch(/away/);

    await sam.getByLabel('Transfer to').selectOption('alex');
    await sam.getByRole('button', { name: 'Transfer' }).click();
    await expect.poll(() => sam.locator('#case-status').innerText()).toMatch(/Transferred to Alex Kim/);
    await personSees(/passed to Alex Kim/);
    expect(await sam.getByRole('button', { name: 'Send' }).isVisible()).toBe(false);

    await alex.locator(`.queue-item[data-case-id="${caseId}"]`).click();
    await expect.poll(() => alex.getByRole('button', { name: 'Send' }).isVisible()).toBe(true);
    await alex.locator('#reply').fill('Alex here, I will take it from now.');
    await alex.locator('#reply').press('Enter');
    await personSees(/Alex Kim: Alex here/);

    // Markdown from a team member: no picture is fetched in either browser (the guarded browser
    // fails the test on any request off loopback), no script link, https links stay links.
    await alex
      .locator('#reply')
      .fill('See ![pic](https://tracker.example/p.png) or [this](javascript:alert(1)) or [the NHS page](https://www.nhs.uk/conditions/sciatica/) *soon*');
    await alex.locator('#reply').press('Enter');
    await personSees(/the NHS page/);
    const agentEntry = alex.locator('#transcript li.agent').last();
    await expect.poll(() => agentEntry.innerText()).toMatch(/\[image: pic\][\s\S]*the NHS page/);
    expect(await alex.locator('#transcript img').count()).toBe(0);
    expect(await agentEntry.locator('a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))).toEqual([
      'https://www.nhs.uk/conditions/sciatica/',
    ]);
    expect(await agentEntry.locator('em').innerText()).toBe('soon');
    expect(await person.locator('.webchat__basic-transcript img[src*="tracker"]').count()).toBe(0);

    // The person typing shows in the console of the team member who has the chat.
    await person.locator(SEND_BOX).pressSequentially('I was');
    await expect.poll(() => alex.locator('#person-typing').isVisible(), { timeout: STEP_MS }).toBe(true);
    expect(await sam.locator('#person-typing').isVisible()).toBe(false);
  }, 40_000);

  it('a warning sign mid-chat: the bot advises the person and the console shows an alert, with the urgent sound', async () => {
    const before = (await recorded(alex)).oscillators;
    await personSays("I can't feel anything down there");
    await personSees(/Go to A&E now/);
    await expect.poll(() => alex.locator('#case-alert').isVisible(), { timeout: STEP_MS }).toBe(true);
    expect(await alex.locator('#case-alert').innerText()).toMatch(/urgent advice/);
    expect((await recorded(alex)).oscillators - before).toBe(3);
  }, 30_000);

  it('the person leaves: the console says so, and the claim message and the actions are gone', async () => {
    await personSays('end chat');
    await personSees(/You.ve left the chat/);
    await expect.poll(() => alex.locator('#case-status').innerText(), { timeout: STEP_MS }).toBe('The person has left the chat.');
    expect(await alex.getByRole('button', { name: 'Send' }).isVisible()).toBe(false);
    expect(await alex.getByRole('button', { name: 'Close case' }).isVisible()).toBe(false);
    expect(await alex.getByRole('button', { name: 'Transfer' }).isVisible()).toBe(false);
  }, 30_000);

  it('a new case with warning signs alerts as urgent: its own notification and the louder three-tone beep', async () => {
    const before = await recorded(sam);
    await personSays('let me talk to a real person');
    await personSees(/in the queue/);
    await expect.poll(async () => (await recorded(sam)).notifications.length, { timeout: STEP_MS }).toBe(before.notifications.length + 1);
    const after = await recorded(sam);
    expect(after.notifications.at(-1)!.title).toBe('Urgent: a new case is waiting');
    expect(after.oscillators - before.oscillators).toBe(3);
    // Sam closes it so the history below has one chat the person left.
    await sam.locator('.queue-item.urgent').first().click();
    await sam.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => sam.getByRole('button', { name: 'Close case' }).isVisible()).toBe(true);
    await sam.getByRole('button', { name: 'Close case' }).click();
    await expect.poll(() => sam.locator('#case-title').innerText()).toBe('Chat: Closed');
  }, 30_000);

  it('history finds the closed case by date, type and outcome', async () => {
    await sam.getByRole('button', { name: 'History' }).click();
    const today = new Date().toISOString().slice(0, 10);
    await sam.locator('#history-from').fill(today);
    await sam.locator('#history-type').selectOption('chat');
    await sam.locator('#history-outcome').selectOption('person_left');
    await sam.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => sam.locator('#history-list .queue-item').count()).toBe(1);
    expect(await sam.locator('#history-list').innerText()).toMatch(/Person left the chat \(Alex Kim\)/);
    await sam.locator('#history-outcome').selectOption('cancelled');
    await sam.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => sam.locator('#history-count').innerText()).toMatch(/^0 closed cases/);
    await sam.locator('#history-outcome').selectOption('person_left');
    await sam.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => sam.locator('#history-list .queue-item').count()).toBe(1);
    await sam.locator('#history-list .queue-item').first().click();
    await expect.poll(() => sam.locator('#case-title').innerText()).toBe('Chat: Closed');
  }, 30_000);

  it('the Figures tab draws charts from the daily counts', async () => {
    const day = 86_400_000;
    await addDailyStats(
      running.backline.storage,
      {
        conversations: 7,
        outcomes: { emergency: 2, self_care: 3 },
        redFlagReplies: 2,
        handoffs: 1,
        callbacks: 1,
        trialLeads: 1,
        messages: 40,
        unplaced: 4,
        checkAsked: { 'red_flags.q_bowel': 3 },
        waits: [30, 90, 600],
      },
      Date.now() - 2 * day,
    );
    await sam.getByRole('button', { name: 'Figures' }).click();
    await expect.poll(() => sam.locator('#figures-status').innerText()).toMatch(/Counts only/);
    const totals = await sam.locator('#figures-totals').innerText();
    expect(totals).toMatch(/Conversations\s+\d+/);
    expect(totals).toMatch(/Median wait/);
    const charts = await sam.evaluate(() => {
      const figures = (window as unknown as { BacklineFigures: { charts: Record<string, { data: { labels: string[]; datasets: { data: number[] }[] } }> } })
        .BacklineFigures;
      return Object.fromEntries(Object.entries(figures.charts).map(([id, chart]) => [id, { labels: chart.data.labels, data: chart.data.datasets[0]!.data }]));
    });
    expect(Object.keys(charts).sort()).toEqual(['chart-counts', 'chart-days', 'chart-dropouts', 'chart-outcomes']);
    expect(charts['chart-days']!.data).toContain(7);
    expect(charts['chart-outcomes']!.labels).toEqual(expect.arrayContaining(['Emergency department', 'Self-care']));
    expect(charts['chart-dropouts']).toEqual({ labels: ['q_bowel'], data: [3] });
    // Drawn: the canvas has pixels that are not blank.
    const painted = await sam.evaluate(() => {
      const canvas = document.getElementById('chart-days') as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      return canvas.width > 0 && pixels.some((v, i) => i % 4 === 3 && v > 0);
    });
    expect(painted).toBe(true);
  }, 30_000);

  it('the Figures tab downloads the consenting trial leads as CSV (with the session cookie, same site)', async () => {
    await sam.getByRole('button', { name: 'Figures' }).click();
    const [download] = await Promise.all([sam.waitForEvent('download'), sam.getByRole('link', { name: /clinical-trial leads/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^trial-leads-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split(/\r?\n/)[0]).toMatch(/^lead_id,created_at,status,channel,trials_may_fit,trials_team_to_check,contact/);
  }, 30_000);
});
