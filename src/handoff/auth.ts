// Team member sign-in and sessions for the agent console.
//
// Accounts come from configuration (SUPPORT_AGENTS, bcrypt hashes) or one shared admin token
// (SUPPORT_ADMIN_TOKEN). A session is a random 256-bit token in an HttpOnly, SameSite=Strict
// cookie; storage keeps only its SHA-256 (h/session/<hash>) with the agent, a CSRF token and an
// expiry, so every instance accepts it and a restart keeps people signed in.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { retryOnConflict, type BacklineStorage } from '../storage/index.js';
import { ADMIN_AGENT_ID, type AgentAccount } from '../config/agents.js';
import { SESSION_PREFIX } from './keys.js';
import type { AgentIdentity } from './service.js';

export interface AgentSession {
  agent: AgentIdentity;
  admin: boolean;
  csrf: string;
  createdAt: number;
  expiresAt: number;
  /** Cases opened (and audited) in this session, newest last: the page's automatic refreshes of these are not audited again. */
  viewed?: string[];
}

/** Cases a session remembers as opened; an older one refreshed again is simply audited again. */
const VIEWED_KEPT = 100;

export interface AgentAuthOptions {
  storage: BacklineStorage;
  agents: AgentAccount[];
  adminToken?: string;
  /** The name people see when the admin joins their chat. */
  adminName: string;
  ttlMs: number;
  now?: () => number;
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

export class AgentAuth {
  private readonly now: () => number;
  /** Compared against when the agent id is unknown, at the same cost, so a wrong name takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly options: AgentAuthOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether anyone at all can sign in. */
  get enabled(): boolean {
    return this.options.agents.length > 0 || Boolean(this.options.adminToken);
  }

  async signIn(username: unknown, password: unknown): Promise<{ token: string; session: AgentSession } | undefined> {
    if (typeof password !== 'string' || password.length === 0 || password.length > 200) return undefined;
    const name = typeof username === 'string' ? username.trim() : '';
    const { adminToken, agents } = this.options;
    let agent: AgentIdentity | undefined;
    let admin = false;
    if (adminToken && (name === '' || name.toLowerCase() === ADMIN_AGENT_ID) && sameSecret(password, adminToken)) {
      agent = { id: ADMIN_AGENT_ID, name: this.options.adminName };
      admin = true;
    } else {
      const account = agents.find((a) => a.id.toLowerCase() === name.toLowerCase());
      const matches = await bcrypt.compare(password, account?.passwordHash ?? (await this.unknownAgentHash()));
      if (account && matches) agent = { id: account.id, name: account.name };
    }
    if (!agent) return undefined;
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: AgentSession = { agent, admin, csrf: randomBytes(24).toString('base64url'), createdAt: now, expiresAt: now + this.options.ttlMs };
    await this.options.storage.write({ [this.keyOf(token)]: session });
    return { token, session };
  }

  /** The live session for a cookie token, or undefined (unknown, expired, or the account was removed). */
  async sessionFor(token: string | undefined): Promise<AgentSession | undefined> {
    if (!token || !TOKEN_PATTERN.test(token)) return undefined;
    const key = this.keyOf(token);
    const stored = (await this.options.storage.read([key]))[key] as (AgentSession & { eTag?: string }) | undefined;
    if (!stored) return undefined;
    const { eTag: _eTag, ...session } = stored;
    if (session.expiresAt <= this.now()) {
      await this.options.storage.delete([key]);
      return undefined;
    }
    const stillAllowed = session.admin ? Boolean(this.options.adminToken) : this.options.agents.some((a) => a.id === session.agent.id);
    return stillAllowed ? session : undefined;
  }

  /** Remembers that this session opened `caseId` (its view was audited). */
  async recordView(token: string | undefined, caseId: string): Promise<void> {
    if (!token || !TOKEN_PATTERN.test(token)) return;
    const key = this.keyOf(token);
    await retryOnConflict(async () => {
      const stored = (await this.options.storage.read([key]))[key] as (AgentSession & { eTag: string }) | undefined;
      if (!stored || stored.viewed?.includes(caseId)) return;
      const viewed = [...(stored.viewed ?? []), caseId].slice(-VIEWED_KEPT);
      await this.options.storage.write({ [key]: { ...stored, viewed } });
    });
  }

  /** The account id a sign-in name stands for, or undefined when it is no account (the name itself is not kept). */
  accountIdFor(username: unknown): string | undefined {
    const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
    if (this.options.adminToken && (name === '' || name === ADMIN_AGENT_ID)) return ADMIN_AGENT_ID;
    return this.options.agents.find((a) => a.id.toLowerCase() === name)?.id;
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token && TOKEN_PATTERN.test(token)) await this.options.storage.delete([this.keyOf(token)]);
  }

  private unknownAgentHash(): Promise<string> {
    const rounds = this.options.agents[0] ? bcrypt.getRounds(this.options.agents[0].passwordHash) : 10;
    return (this.dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), rounds));
  }

  private keyOf(token: string): string {
    return SESSION_PREFIX + sha256(token).toString('hex');
  }
}
