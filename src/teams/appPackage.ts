// The Teams app package: appPackage/manifest.json (a template, reviewable as data) filled in
// from the configuration, plus the two icons, zipped flat as Teams expects. The output is
// reproducible: same settings, same bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { ConfigError, type Config } from '../config.js';
import { ACCENT_COLOR } from './icons.js';
import { fill, MissingPlaceholderError } from '../text/template.js';

/** appPackage/ at the package root (the same from src/ under tsx and from dist/). */
export const APP_PACKAGE_DIR = fileURLToPath(new URL('../../appPackage/', import.meta.url));

export const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/** A missing or wrong setting: the CLI reports it and exits 2, like any configuration error. */
export class TeamsPackageError extends ConfigError {}

export interface TeamsPackageSettings {
  /** The Teams app's id (manifest "id"). */
  teamsAppId: string;
  /** The Azure Bot's Microsoft App ID (manifest bots[0].botId). */
  botId: string;
  /** The public messaging endpoint registered in Azure, https://HOST/api/messages. */
  messagingEndpoint: string;
  /** The app version shown in Teams (manifest "version"); Teams wants it raised for every update. */
  appVersion: string;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** What the package needs from the configuration; names each missing or wrong setting. */
export function teamsPackageSettings(config: Config, appVersion = packageVersion()): TeamsPackageSettings {
  const problems: string[] = [];
  const botId = config.MICROSOFT_APP_ID;
  if (!botId) problems.push('MICROSOFT_APP_ID is not set: it is the Azure Bot registration\'s "Microsoft App ID", a GUID');
  else if (!GUID.test(botId)) problems.push('MICROSOFT_APP_ID must be a GUID (the Azure Bot registration\'s "Microsoft App ID")');
  const teamsAppId = config.TEAMS_APP_ID ?? botId;
  const endpoint = config.BOT_MESSAGING_ENDPOINT;
  if (!endpoint) problems.push('BOT_MESSAGING_ENDPOINT is not set: the https URL Teams reaches the bot at, e.g. https://backline.example.org/api/messages');
  if (problems.length > 0) throw new TeamsPackageError(`cannot build the Teams package:\n  ${problems.join('\n  ')}`);
  if (!/^\d+\.\d+\.\d+$/.test(appVersion)) throw new TeamsPackageError(`the app version "${appVersion}" must look like 1.2.3`);
  return { teamsAppId: teamsAppId!, botId: botId!, messagingEndpoint: endpoint!, appVersion };
}

export type TeamsManifest = Record<string, unknown> & {
  manifestVersion: string;
  id: string;
  bots: { botId: string; scopes: string[]; commandLists?: { scopes: string[]; commands: { title: string; description?: string }[] }[] }[];
  validDomains?: string[];
  icons: { color: string; outline: string };
};

/** Fills the template's ${{NAME}} placeholders; a placeholder left unfilled is an error. */
export function buildManifest(template: string, settings: TeamsPackageSettings): TeamsManifest {
  const endpoint = new URL(settings.messagingEndpoint);
  const values: Record<string, string> = {
    TEAMS_APP_ID: settings.teamsAppId,
    BOT_ID: settings.botId,
    BOT_DOMAIN: endpoint.host,
    BOT_ORIGIN: endpoint.origin,
    APP_VERSION: settings.appVersion,
    ACCENT_COLOR,
  };
  // Values are substituted inside JSON strings, so they are JSON-escaped first.
  let filled: string;
  try {
    filled = fill(template, values, { syntax: 'dollar_double_braces', missing: 'throw', escape: (value) => JSON.stringify(value).slice(1, -1) });
  } catch (error) {
    if (error instanceof MissingPlaceholderError) throw new TeamsPackageError(`appPackage/manifest.json uses an unknown placeholder ${error.placeholder}`);
    throw error;
  }
  return JSON.parse(filled) as TeamsManifest;
}

export function readManifestTemplate(dir = APP_PACKAGE_DIR): string {
  return readFileSync(join(dir, 'manifest.json'), 'utf8');
}

export interface TeamsAppPackage {
  manifest: TeamsManifest;
  zip: Buffer;
  /** File names in the zip, in order. */
  files: string[];
}

/** A fixed timestamp keeps the zip reproducible. */
const ZIP_MTIME = new Date('2025-01-01T00:00:00Z');

function zipBuffers(entries: [string, Buffer][]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, data] of entries) zip.addBuffer(data, name, { mtime: ZIP_MTIME, mode: 0o100644 });
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}

/** manifest.json and the icons the manifest names, all at the root of the zip. */
export async function buildTeamsAppPackage(settings: TeamsPackageSettings, dir = APP_PACKAGE_DIR): Promise<TeamsAppPackage> {
  const manifest = buildManifest(readManifestTemplate(dir), settings);
  const entries: [string, Buffer][] = [
    ['manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)],
    [manifest.icons.color, readFileSync(join(dir, manifest.icons.color))],
    [manifest.icons.outline, readFileSync(join(dir, manifest.icons.outline))],
  ];
  return { manifest, zip: await zipBuffers(entries), files: entries.map(([name]) => name) };
}
