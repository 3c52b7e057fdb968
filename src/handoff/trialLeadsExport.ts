// GET /agent/api/export/leads.csv: the consenting clinical-trial leads as CSV, for the trials
// team's own system. Signed in only (the console's session), refused for cross-site requests,
// and written to the audit log. Nothing else changes. Leads without consent are never exported.
import type { Request, RequestHandler } from 'express';
import { writeAudit } from './audit.js';
import type { AgentSession } from './auth.js';
import { CASE_INDEX } from './keys.js';
import type { SupportCase } from './types.js';
import type { BacklineStorage } from '../storage/index.js';

const READ_CHUNK = 200;

/** Every stored lead whose person said yes to being contacted, oldest first. */
export async function consentingLeads(storage: BacklineStorage): Promise<SupportCase[]> {
  const indexKeys = await storage.listKeys(CASE_INDEX);
  const recordKeys: string[] = [];
  for (let i = 0; i < indexKeys.length; i += READ_CHUNK) {
    const pointers = await storage.read(indexKeys.slice(i, i + READ_CHUNK));
    for (const pointer of Object.values(pointers)) {
      const key = (pointer as { key?: unknown } | undefined)?.key;
      if (typeof key === 'string' && key.includes('/lead/')) recordKeys.push(key);
    }
  }
  const leads: SupportCase[] = [];
  for (let i = 0; i < recordKeys.length; i += READ_CHUNK) {
    const records = await storage.read(recordKeys.slice(i, i + READ_CHUNK));
    for (const record of Object.values(records)) {
      const lead = record as SupportCase | undefined;
      if (lead?.type === 'trial_lead' && lead.consent === true) leads.push(lead);
    }
  }
  return leads.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * One CSV cell (RFC 4180). A cell a spreadsheet would run as a formula (= + - @, or a tab or
 * carriage return before one) gets a leading ' so it is shown as text.
 */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function leadsCsv(leads: SupportCase[]): string {
  // A column per pre-screen question that any lead answered, in the order first seen.
  const questions: string[] = [];
  for (const lead of leads) for (const id of Object.keys(lead.criteria ?? {})) if (!questions.includes(id)) questions.push(id);
  const header = ['lead_id', 'created_at', 'status', 'channel', 'trials_may_fit', 'trials_team_to_check', 'contact', ...questions.map((q) => `answer_${q}`)];
  const rows = leads.map((lead) => {
    const trials = lead.trials ?? [];
    return [
      lead.id,
      lead.createdAt,
      lead.status,
      lead.channelId,
      trials
        .filter((t) => t.status === 'fits')
        .map((t) => t.id)
        .join('; '),
      trials
        .filter((t) => t.status === 'maybe')
        .map((t) => t.id)
        .join('; '),
      lead.contact,
      ...questions.map((q) => lead.criteria?.[q] ?? (q === 'age' ? lead.age : undefined)),
    ];
  });
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * A download is a GET, so it carries no CSRF token: instead anything a browser marks as coming
 * from another site is refused (Sec-Fetch-Site, Origin). The session cookie is SameSite=Strict too.
 */
export function isCrossSite(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/** The handler, mounted after the console's session check (res.locals.session). */
export function leadsExportHandler(storage: BacklineStorage): RequestHandler {
  return async (req, res) => {
    if (isCrossSite(req)) {
      res.status(403).json({ error: 'forbidden', message: 'Download the export from the console page.' });
      return;
    }
    const session = res.locals.session as AgentSession;
    const leads = await consentingLeads(storage);
    await writeAudit(storage, { agent: session.agent.id, action: 'export_leads' });
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', `attachment; filename="trial-leads-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.type('text/csv; charset=utf-8').send(leadsCsv(leads));
  };
}
