// More of the agent console's API (mounted by console.ts, after sign-in and CSRF checks):
//
//   GET  /agent/api/team                    team members online (available / away), for transfers
//   POST /agent/api/presence                {status: available|away}: routing counts only available
//   GET  /agent/api/canned                  canned replies (knowledge/canned-replies.<lang>.yaml)
//   GET  /agent/api/history?from&to&type&outcome   closed cases (no transcript; open one to read it)
//   POST /agent/api/cases/:id/transfer      {to}: pass a claimed case to another online team member
//   POST /agent/api/cases/:id/typing        a typing indicator to the person (not audited)
//   GET  /agent/api/stats?from&to           the daily figures as JSON: counts only (audited)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NextFunction, Request, Response, Router } from 'express';
import type { BacklineStorage } from '../storage/index.js';
import { writeAudit } from './audit.js';
import type { AgentSession } from './auth.js';
import type { CannedReply } from './cannedReplies.js';
import { listAllCases } from './cases.js';
import { onlineTeam, setAway } from './presence.js';
import { SupportActionError, type SupportService } from './service.js';
import { dayOf, MAX_STATS_DAYS, readStats } from './stats.js';
import { isOpen, type CaseType, type SupportCase } from './types.js';

type Handler = (req: Request, res: Response, next: NextFunction) => void | Promise<void>;

export interface ConsoleRoutesOptions {
  support: SupportService;
  storage: BacklineStorage;
  cannedReplies: CannedReply[];
  requireSession: Handler;
  requireCsrf: Handler;
  caseId: (req: Request) => string;
  now?: () => number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CASE_TYPES: readonly CaseType[] = ['chat', 'callback', 'trial_lead'];
/** How a closed case ended. */
export type CaseOutcome = 'closed_by_team' | 'person_left' | 'cancelled';
const OUTCOMES: readonly CaseOutcome[] = ['closed_by_team', 'person_left', 'cancelled'];
const HISTORY_LIMIT = 200;

export function outcomeOf(c: Pick<SupportCase, 'status' | 'closedBy'>): CaseOutcome | undefined {
  if (c.status === 'cancelled') return 'cancelled';
  if (c.status === 'closed') return c.closedBy === 'user' ? 'person_left' : 'closed_by_team';
  return undefined;
}

function dayParam(value: unknown, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new SupportActionError(400, 'bad_date', 'Dates are YYYY-MM-DD.');
  return value;
}

/** from..to from the query, at most MAX_STATS_DAYS long; by default the last `days` days. */
function rangeOf(req: Request, now: number, days: number): { from: string; to: string } {
  const to = dayParam(req.query.to, dayOf(now));
  const from = dayParam(req.query.from, dayOf(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000));
  if (from > to) throw new SupportActionError(400, 'bad_range', 'The start date is after the end date.');
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_STATS_DAYS)
    throw new SupportActionError(400, 'bad_range', `At most ${MAX_STATS_DAYS} days at a time.`);
  return { from, to };
}

export function mountConsoleRoutes(api: Router, options: ConsoleRoutesOptions): void {
  const { support, storage, requireSession, requireCsrf, caseId } = options;
  const now = options.now ?? Date.now;
  const agentOf = (res: Response) => (res.locals.session as AgentSession).agent;
  const audit = (res: Response, action: 'set_presence' | 'view_history' | 'view_stats') => writeAudit(storage, { agent: agentOf(res).id, action }, now());

  api.get('/team', requireSession, async (_req, res) => {
    res.json({ team: await onlineTeam(storage, now()) });
  });

  api.post('/presence', requireSession, requireCsrf, async (req, res) => {
    const status = (req.body as { status?: unknown } | undefined)?.status;
    if (status !== 'available' && status !== 'away') throw new SupportActionError(400, 'bad_status', 'Status is "available" or "away".');
    await setAway(storage, agentOf(res), status === 'away', now());
    await audit(res, 'set_presence');
    await support.notifier.changed();
    res.json({ status });
  });

  api.get('/canned', requireSession, (_req, res) => {
    res.json({ replies: options.cannedReplies });
  });

  api.get('/history', requireSession, async (req, res) => {
    const { from, to } = rangeOf(req, now(), 30);
    const type = req.query.type;
    const outcome = req.query.outcome;
    if (type !== undefined && type !== '' && !CASE_TYPES.includes(type as CaseType)) throw new SupportActionError(400, 'bad_type', 'Unknown case type.');
    if (outcome !== undefined && outcome !== '' && !OUTCOMES.includes(outcome as CaseOutcome))
      throw new SupportActionError(400, 'bad_outcome', 'Unknown outcome.');
    const cases = (await listAllCases(storage))
      .filter((c) => !isOpen(c) && c.status !== 'handed_off')
      .filter((c) => {
        const day = (c.closedAt ?? c.createdAt).slice(0, 10);
        return day >= from && day <= to;
      })
      .filter((c) => !type || c.type === type)
      .filter((c) => !outcome || outcomeOf(c) === outcome)
      .sort((a, b) => (b.closedAt ?? b.createdAt).localeCompare(a.closedAt ?? a.createdAt))
      .slice(0, HISTORY_LIMIT)
      .map((c) => ({
        id: c.id,
        type: c.type,
        status: c.status,
        outcome: outcomeOf(c),
        level: c.level,
        reason: c.reason,
        channelId: c.channelId,
        createdAt: c.createdAt,
        closedAt: c.closedAt ?? null,
        agent: c.agent ?? null,
        redFlags: c.summary.redFlags,
      }));
    await audit(res, 'view_history');
    res.json({ from, to, cases });
  });

  api.post('/cases/:id/transfer', requireSession, requireCsrf, async (req, res) => {
    const id = caseId(req);
    const to = (req.body as { to?: unknown } | undefined)?.to;
    const target = (await onlineTeam(storage, now())).find((m) => m.id === to);
    if (!target) throw new SupportActionError(400, 'not_online', 'That team member is not online.');
    res.json(await support.transfer(id, agentOf(res), { id: target.id, name: target.name }));
  });

  api.post('/cases/:id/typing', requireSession, requireCsrf, async (req, res) => {
    res.json(await support.typing(caseId(req), agentOf(res)));
  });

  api.get('/stats', requireSession, async (req, res) => {
    const { from, to } = rangeOf(req, now(), 14);
    const report = await readStats(storage, from, to);
    await audit(res, 'view_stats');
    res.json(report);
  });
}

/** Chart.js, from node_modules (exact version in package.json): no CDN, same origin for the CSP. */
function chartScriptPath(): string {
  // The package exports only its entries (dist/chart.cjs); the UMD build sits beside them.
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
}

/** Static files the console page needs from packages. */
export function mountConsoleAssets(router: Router): void {
  const chartScript = chartScriptPath();
  router.get('/vendor/chart.umd.min.js', (_req, res) => {
    res.sendFile(chartScript, { maxAge: '1h', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });
}
