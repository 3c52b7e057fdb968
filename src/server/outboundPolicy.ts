// Which serviceUrl hosts the bot may send replies to. Without credentials (local mode) anyone
// can post an activity, so replies go only to loopback and explicitly allowed hosts; this stops
// the bot being used to make requests to other machines. With credentials the SDK's check of
// Microsoft's hosts applies, plus any allowed extras.
import { isIPv4 } from 'node:net';
import { createOutboundHostValidator, type OutboundUrlPolicy } from '@microsoft/agents-hosting';

const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

/** Literal loopback only: `localhost`, [::1] or a 127.0.0.0/8 address, never a name that starts like one. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_NAMES.has(host) || (isIPv4(host) && host.startsWith('127.'));
}

export function parseHostList(value: string): string[] {
  return value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

export function createOutboundPolicy(localMode: boolean, allowedHosts: string[]): OutboundUrlPolicy {
  if (!localMode) return createOutboundHostValidator({ enabled: true, includeDefaultMicrosoftHosts: true, hosts: allowedHosts });
  return {
    enabled: true,
    isAllowed(input) {
      if (!input) return false;
      try {
        const url = typeof input === 'string' ? new URL(input) : input;
        const host = url.hostname.toLowerCase();
        return isLoopbackHost(host) || allowedHosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
      } catch {
        return false;
      }
    },
  };
}
