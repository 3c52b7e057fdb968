// Support agents from configuration (SUPPORT_AGENTS). Passwords are bcrypt hashes; the plain
// password never appears in configuration.
//
//   SUPPORT_AGENTS=sam:Sam Lee:$2b$12$...;alex:Alex Kim:$2b$12$...
//   SUPPORT_AGENTS=[{"id":"sam","name":"Sam Lee","passwordHash":"$2b$12$..."}]
//
// Make a hash with: node -e "console.log(require('bcryptjs').hashSync(process.argv[1], 12))" 'the password'
import { z } from 'zod';

export interface AgentAccount {
  id: string;
  /** Shown to the person in the chat ("Sam Lee from the support team has joined"). */
  name: string;
  passwordHash: string;
}

/** The id an admin-token sign-in gets; no configured agent may use it. */
export const ADMIN_AGENT_ID = 'admin';

const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const accountSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'an agent id is letters, digits, ".", "_" or "-"'),
  name: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .refine((n) => !/[<>{}\n\r]/.test(n), 'a name may not contain <, >, { } or line breaks'),
  passwordHash: z.string().regex(BCRYPT_HASH, 'passwordHash must be a bcrypt hash ($2b$...)'),
});

export class AgentConfigError extends Error {}

export function parseAgents(spec: string | undefined): AgentAccount[] {
  const trimmed = (spec ?? '').trim();
  if (!trimmed) return [];
  let raw: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      raw = JSON.parse(trimmed) as unknown[];
    } catch {
      throw new AgentConfigError('SUPPORT_AGENTS is not valid JSON');
    }
    if (!Array.isArray(raw)) throw new AgentConfigError('SUPPORT_AGENTS must be a JSON array');
  } else {
    raw = trimmed
      .split(';')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        // The hash holds no ":", so the first two separate id and name.
        const first = entry.indexOf(':');
        const last = entry.lastIndexOf(':');
        if (first < 0 || last === first) throw new AgentConfigError('each SUPPORT_AGENTS entry is id:Name:bcrypt-hash');
        return { id: entry.slice(0, first).trim(), name: entry.slice(first + 1, last).trim(), passwordHash: entry.slice(last + 1).trim() };
      });
  }
  const accounts: AgentAccount[] = [];
  raw.forEach((candidate, index) => {
    const parsed = accountSchema.safeParse(candidate);
    if (!parsed.success)
      throw new AgentConfigError(`SUPPORT_AGENTS entry ${index + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    if (parsed.data.id.toLowerCase() === ADMIN_AGENT_ID)
      throw new AgentConfigError(`SUPPORT_AGENTS entry ${index + 1}: the id "${ADMIN_AGENT_ID}" is kept for the admin token`);
    if (accounts.some((a) => a.id.toLowerCase() === parsed.data.id.toLowerCase()))
      throw new AgentConfigError(`SUPPORT_AGENTS: agent id "${parsed.data.id}" appears twice`);
    accounts.push(parsed.data);
  });
  return accounts;
}
