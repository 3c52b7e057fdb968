// The widget's pages and files over HTTP: strict CSP with a per-response nonce, no inline
// scripts, Web Chat served from node_modules (never a CDN), helmet headers, framing limited to
// the configured origins, and the look taken from web/widget.yaml.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadWidgetConfig, WidgetConfigError } from '../../src/webchat/widgetConfig.js';
import { startServer, type RunningServer } from '../helpers/directline.js';

let running: RunningServer;
beforeAll(async () => {
  running = await startServer({
    WIDGET_ALLOWED_ORIGINS: 'https://clinic.example,https://www.clinic.example',
    WIDGET_CONVERSATION_TTL_MINUTES: '45',
    EMERGENCY_NUMBER: '999',
  });
});
afterAll(async () => {
  await running.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${running.url}${path}`, { headers });
const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

function configOf(html: string): Record<string, unknown> {
  const match = /<meta name="backline-widget" content="([^"]*)">/.exec(html)!;
  const json = match[1]!
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return JSON.parse(json) as Record<string, unknown>;
}

describe('GET /chat', () => {
  it('has a strict CSP: scripts from self only, styles by a fresh nonce, network to self only, framing by listed origins', async () => {
    const [a, b] = await Promise.all([get('/chat'), get('/chat')]);
    expect(a.status).toBe(200);
    const csp = a.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(nonce).not.toBe(/'nonce-([^']+)'/.exec(b.headers.get('content-security-policy')!)![1]);
    expect(directive(csp, 'default-src')).toBe("default-src 'none'");
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    // Plus an empty <style> element (Web Chat's scroll styles, added through the CSSOM): sha256 of "".
    expect(directive(csp, 'style-src')).toBe(`style-src 'self' 'nonce-${nonce}' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='`);
    const host = new URL(running.url).host;
    expect(directive(csp, 'connect-src')).toBe(`connect-src 'self' http://${host} ws://${host}`);
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'self' https://clinic.example https://www.clinic.example");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(a.headers.get('x-frame-options')).toBeNull();

    const html = await a.text();
    expect(html).toContain(`<script src="/static/chat.js" nonce="${nonce}" defer></script>`);
    // No inline scripts, no inline styles, nothing from another host.
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/static\//);
    expect(html).not.toMatch(/<style|style="/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('carries the look from web/widget.yaml, the TTL override and the emergency number', async () => {
    const html = await (await get('/chat')).text();
    const config = configOf(html);
    expect(config).toMatchObject({ title: 'Backline', locale: 'en-US', conversationTtlMinutes: 45, emergencyNumber: '999' });
    expect(config.styleOptions).toMatchObject({
      accent: '#0b6e4f',
      botAvatarImage: '/static/backline-avatar.svg',
      botAvatarInitials: '',
      hideUploadButton: true,
    });
    expect(html).toContain('<h1>Backline</h1>');
    expect(html).toMatch(/In an emergency, call <strong>999<\/strong>/);
    expect(html).toContain('<body class="bl-full">');
    expect(await (await get('/chat?embed=1')).text()).toContain('<body class="bl-embedded">');
  });

  it('sets helmet headers and is never cached', async () => {
    const res = await get('/chat');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('other routes on the same app', () => {
  it("are left alone: no widget headers on paths that are not the widget's", async () => {
    // A path that passes through the widget's router to whatever is mounted after it.
    const res = await get('/some-other-feature');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('cross-origin-resource-policy')).toBeNull();
  });
});

describe('GET / (demo clinic page)', () => {
  it('embeds the widget with the one-line script tag, under its own strict CSP, not frameable', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<script src="/widget.js" async></script>');
    const csp = res.headers.get('content-security-policy')!;
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'style-src')).toBe("style-src 'self'");
    expect(directive(csp, 'frame-src')).toBe("frame-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('scripts and static files', () => {
  it('/widget.js has the launcher config filled in and may be loaded by other sites', async () => {
    const res = await get('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const js = await res.text();
    expect(js).not.toContain('/*@backline-config*/ null');
    expect(js).toContain('var CONFIG = {"title":"Backline","launcherLabel":"Chat with Backline","accent":"#0b6e4f","accentText":"#ffffff"};');
  });

  it('/static/webchat.js is the botframework-webchat 4.18 bundle from node_modules, gzipped when asked, with an ETag', async () => {
    const entry = createRequire(import.meta.url).resolve('botframework-webchat');
    const bundle = readFileSync(join(dirname(dirname(entry)), 'dist', 'webchat.js'));
    const plain = await fetch(`${running.url}/static/webchat.js`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(Buffer.from(await plain.arrayBuffer()).equals(bundle)).toBe(true);
    const version = JSON.parse(readFileSync(join(dirname(dirname(entry)), 'package.json'), 'utf8')) as { version: string };
    expect(version.version).toMatch(/^4\.18\./);

    const { request } = await import('node:http');
    const getZipped = () =>
      new Promise<{ encoding?: string; etag?: string; body: Buffer }>((resolve, reject) => {
        request(`${running.url}/static/webchat.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], etag: res.headers.etag, body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
    // The gzip is made in the background after the first request: plain until it is ready.
    let zipped = await getZipped();
    for (let i = 0; i < 50 && zipped.encoding !== 'gzip'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      zipped = await getZipped();
    }
    expect(zipped.encoding).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(bundle)).toBe(true);
    expect(zipped.etag).not.toBe(plain.headers.get('etag'));
    expect((await get('/static/webchat.js', { 'If-None-Match': plain.headers.get('etag')!, 'Accept-Encoding': 'identity' })).status).toBe(304);
  });

  it('serves the theme from the config, the page script, styles and avatar; nothing outside web/static', async () => {
    expect(await (await get('/static/theme.css')).text()).toContain('--bl-accent: #0b6e4f;');
    for (const path of ['/static/chat.js', '/static/chat.css', '/static/demo.css', '/static/backline-avatar.svg']) expect((await get(path)).status).toBe(200);
    // Raw paths (fetch would normalise the dots away before sending).
    const { request } = await import('node:http');
    const rawStatus = (path: string) =>
      new Promise<number>((resolve, reject) => {
        request(running.url, { path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    for (const path of ['/static/../chat.html', '/static/%2e%2e/chat.html', '/static/..%2fchat.html', '/static/.env'])
      expect(await rawStatus(path), path).toBe(404);
  });

  it('no web file loads anything from another host (no CDN)', () => {
    const webDir = join(process.cwd(), 'web');
    const files = [...readdirSync(webDir).map((f) => join(webDir, f)), ...readdirSync(join(webDir, 'static')).map((f) => join(webDir, 'static', f))].filter(
      (f) => /\.(html|js|css)$/.test(f),
    );
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const urls = (text.match(/https?:\/\/[^\s'"<>)]+/g) ?? []).filter(
        (u) => !u.startsWith('http://www.w3.org/') && !/HOST|YOUR-BACKLINE-HOST|clinic\.example/.test(u),
      );
      expect(urls, file).toEqual([]);
    }
  });
});

describe('configuration', () => {
  it('refuses bad widget origins and a plain-http Direct Line endpoint', () => {
    expect(() => loadConfig({ WIDGET_ALLOWED_ORIGINS: 'clinic.example' })).toThrow(ConfigError);
    expect(() => loadConfig({ WIDGET_ALLOWED_ORIGINS: 'https://clinic.example/path' })).toThrow(ConfigError);
    expect(loadConfig({ WIDGET_ALLOWED_ORIGINS: 'https://a.example, http://localhost:8080' }).WIDGET_ALLOWED_ORIGINS).toBe(
      'https://a.example, http://localhost:8080',
    );
    expect(() => loadConfig({ DIRECT_LINE_ENDPOINT: 'http://directline.example/v3/directline' })).toThrow(/https/);
    expect(() => loadConfig({ DIRECT_LINE_TOKEN_SECRET: 'short' })).toThrow(/32 characters/);
  });

  it('a mistake in widget.yaml stops start-up with the field named', () => {
    const root = mkdtempSync(join(tmpdir(), 'widget-config-'));
    mkdirSync(join(root, 'web'), { recursive: true });
    const original = readFileSync(join(process.cwd(), 'web', 'widget.yaml'), 'utf8');
    writeFileSync(join(root, 'web', 'widget.yaml'), original.replace("accent: '#0b6e4f'", "accent: 'green'"));
    expect(() => loadWidgetConfig(root)).toThrow(WidgetConfigError);
    expect(() => loadWidgetConfig(root)).toThrow(/colors\.accent/);
    writeFileSync(join(root, 'web', 'widget.yaml'), original);
    expect(loadWidgetConfig(root).conversationTtlMinutes).toBe(30);
    expect(loadWidgetConfig(root, 5).conversationTtlMinutes).toBe(5);
    expect(() => loadWidgetConfig(join(root, 'nowhere'))).toThrow(/missing/);
  });
});
