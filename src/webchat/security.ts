// Who may embed the widget and call the chat API, and the Content-Security-Policy of its pages.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';

const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export interface OriginPolicyOptions {
  /** WIDGET_ALLOWED_ORIGINS, parsed. */
  allowedOrigins: string[];
  /** WIDGET_PUBLIC_URL, when set. */
  publicUrl?: string;
}

export class OriginPolicy {
  readonly allowed: ReadonlySet<string>;
  private readonly publicOrigin: string | undefined;

  constructor(options: OriginPolicyOptions) {
    this.allowed = new Set(options.allowedOrigins);
    this.publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  }

  /** The base URL a client reached us at: WIDGET_PUBLIC_URL, or the request's scheme and Host. */
  publicBase(req: IncomingMessage): string {
    if (this.publicOrigin) return this.publicOrigin;
    const host = typeof req.headers.host === 'string' && HOST_HEADER.test(req.headers.host) ? req.headers.host : 'localhost';
    const secure = Boolean((req.socket as TLSSocket).encrypted);
    return `${secure ? 'https' : 'http'}://${host}`;
  }

  isSameOrigin(origin: string, req: IncomingMessage): boolean {
    if (this.publicOrigin && origin === this.publicOrigin) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  isAllowed(origin: string, req: IncomingMessage): boolean {
    return this.isSameOrigin(origin, req) || this.allowed.has(origin);
  }

  /**
   * CORS for the chat API: our own pages and WIDGET_ALLOWED_ORIGINS get the headers; a browser
   * request from any other origin is refused outright (403), preflight or not.
   */
  cors() {
    return (req: Request, res: Response, next: NextFunction) => {
      const origin = req.headers.origin;
      if (!origin) return next();
      res.vary('Origin');
      if (!this.isAllowed(origin, req)) {
        res.status(403).json({ error: { code: 'Forbidden', message: 'This origin may not use the chat API.' } });
        return;
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, x-ms-bot-agent');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
      next();
    };
  }
}

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export function parseOrigins(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

/** The http(s) and matching ws(s) origin of a URL, for connect-src. */
export function connectSources(url: string): string[] {
  const { origin, protocol, host } = new URL(url);
  return [origin, `${protocol === 'https:' ? 'wss' : 'ws'}://${host}`];
}

export interface ChatPolicy {
  nonce: string;
  /** Where the browser talks to Direct Line (besides 'self'). */
  connectSources: string[];
  /** Origins that may frame the chat page (besides 'self'). */
  frameAncestors: string[];
}

/**
 * The hash of an empty <style> element. Web Chat 4.18.1 gives the page's nonce to its own style
 * sheets but not to the one its transcript's scroll container (react-scroll-to-bottom) makes. Like
 * all of Web Chat's emotion sheets, that one is an empty <style> element whose rules are added
 * through the CSSOM (insertRule), which CSP does not restrict; allowing an empty element by its
 * hash lets it exist without a patch, and markup injection gains nothing (it carries no CSS).
 */
export const EMPTY_STYLE_ELEMENT_HASH = `sha256-${createHash('sha256').update('').digest('base64')}`;

/** The chat page: scripts from us only, Web Chat's styles by nonce, network to Direct Line only. */
export function chatPageCsp(policy: ChatPolicy): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${policy.nonce}' '${EMPTY_STYLE_ELEMENT_HASH}'`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob:",
    `connect-src 'self' ${policy.connectSources.join(' ')}`.trim(),
    `frame-ancestors 'self' ${policy.frameAncestors.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "manifest-src 'none'",
  ].join('; ');
}

/** The demo clinic page: our launcher script and the chat frame. */
export function demoPageCsp(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}
