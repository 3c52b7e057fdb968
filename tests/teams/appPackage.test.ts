// The Teams app package: a manifest that passes the official schema, icons of the sizes and
// kinds Teams requires (drawn by code), a flat zip, and `backline teams-package` wiring.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  APP_PACKAGE_DIR,
  buildManifest,
  buildTeamsAppPackage,
  readManifestTemplate,
  teamsPackageSettings,
  TeamsPackageError,
  type TeamsPackageSettings,
} from '../../src/teams/appPackage.js';
import { ACCENT_COLOR, colorIconPng, outlineIconPng } from '../../src/teams/icons.js';
import { readZip } from './support/zip.js';

const SCHEMA_FILE = join(APP_PACKAGE_DIR, 'schema', 'MicrosoftTeams.v1.29.schema.json');
const BOT_ID = '3f2a8c1e-5b7d-4e9a-a1c2-0d4e6f8a9b10';
const TEAMS_APP_ID = '9b1d2c3e-4f5a-4b6c-8d7e-1f2a3b4c5d6e';
const settings: TeamsPackageSettings = {
  teamsAppId: TEAMS_APP_ID,
  botId: BOT_ID,
  messagingEndpoint: 'https://backline.example.org/api/messages',
  appVersion: '1.4.2',
};

function schema(): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
}

/** Keywords that mean something different in draft-04 than in ajv 8's default draft-07. */
function draft04OnlyKeywords(node: unknown, path = '#'): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => draft04OnlyKeywords(item, `${path}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') found.push(`${path}/${key}`);
    if (key === 'id' && typeof value === 'string') found.push(`${path}/${key}`);
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) found.push(`${path}/${key} (external)`);
    found.push(...draft04OnlyKeywords(value, `${path}/${key}`));
  }
  return found;
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const { $schema: _draft04, ...teamsSchema } = schema();
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  compiled = ajv.compile(teamsSchema);
  return compiled;
}

function png(buffer: Buffer): PNG {
  return PNG.sync.read(buffer);
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('Teams manifest', () => {
  it('the vendored schema is the v1.29 manifest schema and compiles as draft-07 without loss', () => {
    const teamsSchema = schema();
    expect((teamsSchema.properties as { manifestVersion: { const: string } }).manifestVersion.const).toBe('1.29');
    expect(draft04OnlyKeywords(teamsSchema)).toEqual([]);
  });

  it('filled in from the config, it passes the Teams manifest JSON schema', () => {
    const manifest = buildManifest(readManifestTemplate(), settings);
    const validate = validator();
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.29/MicrosoftTeams.schema.json');
  });

  it('the schema check is real: a broken manifest fails it', () => {
    const manifest = buildManifest(readManifestTemplate(), settings);
    const validate = validator();
    expect(validate({ ...manifest, id: 'not-a-guid' })).toBe(false);
    expect(validate({ ...manifest, name: { short: 'x'.repeat(31) } })).toBe(false);
    expect(validate({ ...manifest, bots: [{ ...manifest.bots[0]!, scopes: ['everywhere'] }] })).toBe(false);
  });

  it('is a personal bot with the help, check symptoms and talk to a person commands', () => {
    const manifest = buildManifest(readManifestTemplate(), settings);
    expect(manifest.id).toBe(TEAMS_APP_ID);
    expect(manifest.version).toBe('1.4.2');
    expect(manifest.bots).toHaveLength(1);
    const bot = manifest.bots[0]!;
    expect(bot.botId).toBe(BOT_ID);
    expect(bot.scopes).toEqual(['personal']);
    expect(manifest.defaultInstallScope).toBe('personal');
    expect(bot.commandLists?.[0]?.scopes).toEqual(['personal']);
    expect(bot.commandLists?.[0]?.commands.map((c) => c.title)).toEqual(['help', 'check symptoms', 'talk to a person']);
    expect(manifest.validDomains).toEqual(['backline.example.org']);
    expect(manifest.accentColor).toBe(ACCENT_COLOR);
    expect(JSON.stringify(manifest)).not.toMatch(/\$\{\{/);
  });

  it('an unknown placeholder in the template is an error, not a silent blank', () => {
    expect(() => buildManifest('{"id": "${{NOPE}}"}', settings)).toThrow(/NOPE/);
  });

  it('takes the ids and endpoint from the config, and names what is missing', () => {
    const config = loadConfig({ MICROSOFT_APP_ID: BOT_ID, BOT_MESSAGING_ENDPOINT: 'https://bot.example.net/api/messages' });
    expect(teamsPackageSettings(config, '2.0.0')).toEqual({
      teamsAppId: BOT_ID,
      botId: BOT_ID,
      messagingEndpoint: 'https://bot.example.net/api/messages',
      appVersion: '2.0.0',
    });
    expect(
      teamsPackageSettings(loadConfig({ MICROSOFT_APP_ID: BOT_ID, TEAMS_APP_ID, BOT_MESSAGING_ENDPOINT: 'https://b.example/api/messages' })).teamsAppId,
    ).toBe(TEAMS_APP_ID);
    expect(() => teamsPackageSettings(loadConfig({}))).toThrow(TeamsPackageError);
    expect(() => teamsPackageSettings(loadConfig({}))).toThrow(/MICROSOFT_APP_ID[\s\S]*BOT_MESSAGING_ENDPOINT/);
    expect(() => teamsPackageSettings(loadConfig({ MICROSOFT_APP_ID: 'backline-bot', BOT_MESSAGING_ENDPOINT: 'https://b.example/api/messages' }))).toThrow(
      /GUID/,
    );
    expect(() => loadConfig({ BOT_MESSAGING_ENDPOINT: 'http://b.example/api/messages' })).toThrow(/BOT_MESSAGING_ENDPOINT/);
    expect(() => loadConfig({ TEAMS_APP_ID: 'teams-app' })).toThrow(/TEAMS_APP_ID/);
  });
});

describe('Teams icons', () => {
  it('the colour icon is 192x192 and opaque, on the accent colour', () => {
    const icon = png(colorIconPng());
    expect([icon.width, icon.height]).toEqual([192, 192]);
    const colours = new Set<string>();
    let seeThrough = 0;
    for (let i = 0; i < icon.data.length; i += 4) {
      if (icon.data[i + 3] !== 255) seeThrough++;
      colours.add(`${icon.data[i]},${icon.data[i + 1]},${icon.data[i + 2]}`);
    }
    expect(seeThrough).toBe(0);
    const accent = [1, 3, 5].map((at) => Number.parseInt(ACCENT_COLOR.slice(at, at + 2), 16)).join(',');
    expect(colours.has(accent)).toBe(true);
    expect(colours.has('255,255,255')).toBe(true);
    // The symbol stays inside Teams' central 120x120 safe area.
    const outsideSafeArea: string[] = [];
    for (let y = 0; y < 192; y++) {
      for (let x = 0; x < 192; x++) {
        if (x >= 36 && x < 156 && y >= 36 && y < 156) continue;
        const i = (y * 192 + x) * 4;
        if (`${icon.data[i]},${icon.data[i + 1]},${icon.data[i + 2]}` !== accent) outsideSafeArea.push(`${x},${y}`);
      }
    }
    expect(outsideSafeArea).toEqual([]);
  });

  it('the outline icon is 32x32, white on transparent', () => {
    const icon = png(outlineIconPng());
    expect([icon.width, icon.height]).toEqual([32, 32]);
    let transparent = 0;
    let opaque = 0;
    let notWhite = 0;
    for (let i = 0; i < icon.data.length; i += 4) {
      const alpha = icon.data[i + 3]!;
      if (alpha === 0) transparent++;
      else if (icon.data[i] !== 255 || icon.data[i + 1] !== 255 || icon.data[i + 2] !== 255) notWhite++;
      if (alpha === 255) opaque++;
    }
    expect(notWhite).toBe(0);
    expect(transparent).toBeGreaterThan(32 * 32 * 0.4);
    expect(opaque).toBeGreaterThan(32 * 32 * 0.1);
    for (const corner of [0, 31, 32 * 31, 32 * 32 - 1]) expect(icon.data[corner * 4 + 3]).toBe(0);
  });

  it('the committed icons in appPackage/ are exactly what the code draws (npx tsx scripts/teams-icons.ts)', () => {
    expect(readFileSync(join(APP_PACKAGE_DIR, 'color.png')).equals(colorIconPng())).toBe(true);
    expect(readFileSync(join(APP_PACKAGE_DIR, 'outline.png')).equals(outlineIconPng())).toBe(true);
  });
});

describe('the package zip', () => {
  it('holds manifest.json and both icons at the root, and is reproducible', async () => {
    const first = await buildTeamsAppPackage(settings);
    const second = await buildTeamsAppPackage(settings);
    expect(first.zip.equals(second.zip)).toBe(true);
    const entries = readZip(first.zip);
    expect(entries.map((e) => e.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
    expect(manifest).toEqual(first.manifest);
    expect(validator()(manifest)).toBe(true);
    expect(png(entries.find((e) => e.name === manifest.icons.color)!.data).width).toBe(192);
    expect(png(entries.find((e) => e.name === manifest.icons.outline)!.data).width).toBe(32);
  });
});

describe('backline teams-package', () => {
  // The built CLI, as people run it (npm test builds first); in an empty directory so no .env is read.
  const bin = join(process.cwd(), 'bin', 'backline.js');
  function backline(args: string[], env: Record<string, string>) {
    const cwd = mkdtempSync(join(tmpdir(), 'backline-teams-'));
    tempDirs.push(cwd);
    const result = spawnSync(process.execPath, [bin, 'teams-package', ...args], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
      timeout: 30_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, cwd };
  }

  it('writes the zip with the app id and endpoint from the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backline-teams-out-'));
    tempDirs.push(dir);
    const out = join(dir, 'backline.zip');
    const run = backline([out, '--json'], { MICROSOFT_APP_ID: BOT_ID, BOT_MESSAGING_ENDPOINT: 'https://backline.example.org/api/messages' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ file: out, manifestVersion: '1.29', appId: BOT_ID, botId: BOT_ID, validDomains: ['backline.example.org'] });
    expect(existsSync(out)).toBe(true);
    const manifest = JSON.parse(
      readZip(readFileSync(out))
        .find((e) => e.name === 'manifest.json')!
        .data.toString('utf8'),
    );
    expect(validator()(manifest)).toBe(true);
  });

  it('exits 2 naming the missing settings', () => {
    const run = backline([], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/MICROSOFT_APP_ID/);
    expect(run.stderr).toMatch(/BOT_MESSAGING_ENDPOINT/);
  });
});
