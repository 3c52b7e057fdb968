// Trial leads leave Backline two ways: the signed-in CSV export in the agent console, and the
// optional signed webhook. Real HTTP: the person talks through POST /api/messages, the webhook
// posts to a local capture server, and the console is called like the page calls it.
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backline } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { readAudit } from '../../src/handoff/audit.js';
import { createCase } from '../../src/handoff/cases.js';
import type { SupportCase } from '../../src/handoff/types.js';
import { silentLogger } from '../../src/logger.js';
import { csvCell, leadsCsv } from '../../src/handoff/trialLeadsExport.js';
import { sendTrialLead, SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER, verifyWebhook, type TrialLeadPayload } from '../../src/handoff/trialWebhook.js';
import { testBackline } from '../helpers/backline.js';
import { activity, close, listen, post, startHttpHarness, type CaptureServer, type HttpHarness } from '../helpers/http.js';
import { AGENT_PASSWORD, AgentClient, supportEnv } from '../helpers/support.js';

const SECRET = 'webhook-secret-0123456789-abcdefghijklmnop';

/** Stands in for the trials team's system: keeps each request's raw body and headers. */
class WebhookReceiver {
  readonly requests: { raw: string; signature?: string; timestamp?: string }[] = [];
  /** Status codes to answer with, in turn; then 200. */
  failures: number[] = [];
  server!: Server;
  url!: string;

  async start(): Promise<this> {
    const app = express();
    app.post('/leads', express.raw({ type: '*/*' }), (req, res) => {
      this.requests.push({ raw: (req.body as Buffer).toString('utf8'), signature: req.get(SIGNATURE_HEADER), timestamp: req.get(TIMESTAMP_HEADER) });
      res.status(this.failures.shift() ?? 200).end();
    });
    ({ server: this.server, url: this.url } = await listen(app));
    this.url += '/leads';
    return this;
  }
}

let harness: HttpHarness;
let backline: Backline;
let capture: CaptureServer;
let url: string;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  harness = await startHttpHarness(testBackline(supportEnv({ TRIAL_LEAD_WEBHOOK_URL: receiver.url, TRIAL_LEAD_WEBHOOK_SECRET: SECRET })));
  ({ backline, capture, url } = harness);
});
afterAll(async () => {
  await harness.stop();
  await close(receiver.server);
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let counter = 0;
/** A person goes through the pre-screen over HTTP and, if `consent`, leaves a contact. */
async function leadVia(answers: string[], consent: boolean, contact = 'pat.example@example.org'): Promise<string> {
  const id = `lead-conv-${++counter}-${Date.now()}`;
  const say = (text: string) => post(url, activity(capture, id, { text }));
  await say('clinical trials');
  await say('yes'); // "Would you like to check…?"
  for (const answer of answers) await say(answer);
  await say(consent ? 'yes' : 'no');
  if (consent) {
    await say(contact);
    await say('yes');
  }
  return id;
}

const ALL_YES = ['yes', '40', 'yes', 'yes', 'no', 'no', 'no'];
const texts = (id: string) =>
  capture
    .for(id)
    .map((r) => r.body.text ?? '')
    .join('\n');

describe('the signed webhook', () => {
  it('posts each consenting lead with a signature a receiver can verify, and no message text', async () => {
    receiver.requests.length = 0;
    const id = await leadVia(ALL_YES, true);
    expect(texts(id)).toMatch(/What happens next/);
    await waitUntil(() => receiver.requests.length === 1);
    const [request] = receiver.requests;
    expect(verifyWebhook(SECRET, request!, request!.raw)).toBe(true);
    // A changed body, another key or an old timestamp (a replay) is refused.
    expect(verifyWebhook(SECRET, request!, request!.raw.replace('pat.example', 'eve.example'))).toBe(false);
    expect(verifyWebhook('another-secret-0123456789-abcdefghijklmno', request!, request!.raw)).toBe(false);
    expect(verifyWebhook(SECRET, request!, request!.raw, Number(request!.timestamp) + 3600)).toBe(false);
    const body = JSON.parse(request!.raw) as TrialLeadPayload;
    expect(body).toMatchObject({ event: 'trial_lead', consent: true, contact: 'pat.example@example.org', criteria: { diagnosed: 'yes', age: 40 } });
    expect(body.trials.length).toBe(3);
    // Only the answers and the contact: nothing the person typed besides them.
    expect(request!.raw).not.toMatch(/clinical trials|keep going/i);
    expect(Object.keys(body).sort()).toEqual(['consent', 'contact', 'createdAt', 'criteria', 'event', 'id', 'trials']);
  });

  it('sends nothing without consent', async () => {
    receiver.requests.length = 0;
    const id = await leadVia(ALL_YES, false);
    expect(texts(id)).toMatch(/haven't passed on anything/);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests).toHaveLength(0);
  });

  it('retries a failing receiver with growing waits, signing each attempt afresh', async () => {
    receiver.requests.length = 0;
    receiver.failures = [500, 503];
    const payload: TrialLeadPayload = {
      event: 'trial_lead',
      id: 'l1',
      createdAt: new Date().toISOString(),
      trials: [],
      criteria: {},
      contact: 'x@example.org',
      consent: true,
    };
    const ok = await sendTrialLead({ url: receiver.url, secret: SECRET, logger: silentLogger, attempts: 4, firstDelayMs: 20 }, payload);
    expect(ok).toBe(true);
    expect(receiver.requests).toHaveLength(3);
    for (const r of receiver.requests) expect(verifyWebhook(SECRET, r, r.raw)).toBe(true);
    receiver.failures = [500, 500, 500];
    expect(await sendTrialLead({ url: receiver.url, secret: SECRET, logger: silentLogger, attempts: 3, firstDelayMs: 5 }, payload)).toBe(false);
    // A 4xx is the receiver refusing the lead: not retried.
    receiver.requests.length = 0;
    receiver.failures = [400];
    expect(await sendTrialLead({ url: receiver.url, secret: SECRET, logger: silentLogger, attempts: 3, firstDelayMs: 5 }, payload)).toBe(false);
    expect(receiver.requests).toHaveLength(1);
  });

  it('is configured only with a secret, and only over https (http for localhost)', () => {
    expect(() => loadConfig({ TRIAL_LEAD_WEBHOOK_URL: 'https://trials.example/leads' })).toThrow(/TRIAL_LEAD_WEBHOOK_SECRET/);
    expect(() => loadConfig({ TRIAL_LEAD_WEBHOOK_URL: 'http://trials.example/leads', TRIAL_LEAD_WEBHOOK_SECRET: SECRET })).toThrow(/https/);
    expect(() => loadConfig({ TRIAL_LEAD_WEBHOOK_URL: 'https://trials.example/leads', TRIAL_LEAD_WEBHOOK_SECRET: 'short' })).toThrow(/32 characters/);
    expect(loadConfig({ TRIAL_LEAD_WEBHOOK_URL: 'https://trials.example/leads', TRIAL_LEAD_WEBHOOK_SECRET: SECRET }).TRIAL_LEAD_WEBHOOK_URL).toBe(
      'https://trials.example/leads',
    );
  });

  it('the signature is HMAC-SHA256 over "timestamp.body"', () => {
    expect(signBody('k', 1700000000, '{}')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signBody('k', 1700000000, '{}')).not.toBe(signBody('k', 1700000001, '{}'));
  });
});

describe('GET /agent/api/export/leads.csv', () => {
  const exportPath = '/export/leads.csv';

  it('401 without a session; 403 for a cross-site request', async () => {
    const anonymous = new AgentClient(url);
    expect((await anonymous.get(exportPath)).status).toBe(401);
    const sam = new AgentClient(url);
    await sam.login('sam', AGENT_PASSWORD);
    expect((await sam.get(exportPath, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await sam.get(exportPath, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await sam.get(exportPath, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('exports only consenting leads, with trials and answers, CSV-injection safe, and writes an audit entry', async () => {
    // Medicine "no" rules the medicine trial out, so its blood-thinner question is not asked.
    await leadVia(['yes', '52', 'yes', 'no', 'not sure', 'no'], true, 'pat.csv@example.org');
    await leadVia(ALL_YES, true, '+44 7700 900123');
    // Stored records the bot would never write, to prove the filter and the escaping.
    const base: Omit<SupportCase, 'id' | 'conversationId' | 'createdAt'> = {
      kind: 'lead',
      type: 'trial_lead',
      status: 'waiting',
      mode: 'console',
      channelId: 'webchat',
      reason: 'trial_interest',
      level: null,
      redFlags: [],
      summary: { askedAbout: [], answers: [], triage: null, redFlags: [] },
    };
    await createCase(backline.storage, {
      ...base,
      id: 'lnoconsent1',
      conversationId: 'c-no',
      createdAt: new Date().toISOString(),
      consent: false,
      contact: 'nobody@example.org',
    });
    await createCase(backline.storage, {
      ...base,
      id: 'linjection1',
      conversationId: 'c-inj',
      createdAt: new Date().toISOString(),
      consent: true,
      contact: '=HYPERLINK("http://evil.example","click")',
      criteria: { diagnosed: '@SUM(1+1)', age: 33 },
      trials: [{ id: '-cmd', title: 't', status: 'fits' }],
    });

    const sam = new AgentClient(url);
    await sam.login('sam', AGENT_PASSWORD);
    const before = (await readAudit(backline.storage, 1000)).filter((e) => e.action === 'export_leads').length;
    const res = await sam.get(exportPath);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="trial-leads-/);
    const csv = await res.text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'lead_id,created_at,status,channel,trials_may_fit,trials_team_to_check,contact,answer_diagnosed,answer_age,answer_leg_pain,answer_medication,answer_blood_thinners,answer_pregnant,answer_recent_surgery',
    );
    expect(csv).not.toMatch(/nobody@example\.org|lnoconsent1/);
    const unsure = lines.find((l) => l.includes('pat.csv@example.org'))!;
    // Medicine "no": the medicine trial is out; "not sure" about pregnancy: the team checks the trial with that rule.
    expect(unsure).toMatch(/,example-movement-app,example-sciatica-exercise,pat\.csv@example\.org,yes,52,yes,no,,unsure,no$/);
    expect(csv).toContain(",'+44 7700 900123,");
    const injected = lines.find((l) => l.startsWith('linjection1'))!;
    expect(injected).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(injected).toContain("'@SUM(1+1)");
    expect(injected).toContain(",'-cmd,");
    // Every cell that could start a formula starts with a quote.
    for (const line of lines) for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
    const audit = (await readAudit(backline.storage, 1000)).filter((e) => e.action === 'export_leads');
    expect(audit.length).toBe(before + 1);
    expect(audit[0]).toMatchObject({ agent: 'sam', action: 'export_leads' });
    // The download changes nothing else: a second export lists the same leads.
    expect((await (await sam.get(exportPath)).text()).split('\r\n').slice(1)).toEqual(csv.split('\r\n').slice(1));
  });

  it('csvCell quotes separators and neutralises formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell(null)).toBe('');
    expect(leadsCsv([])).toBe('lead_id,created_at,status,channel,trials_may_fit,trials_team_to_check,contact\r\n');
    expect(createHash('sha256').update(leadsCsv([])).digest('hex')).toHaveLength(64);
  });
});
