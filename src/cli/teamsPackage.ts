// `backline teams-package [OUT.zip] [--json]`: writes the Teams app package people sideload or
// an admin uploads (README "Microsoft Teams"). The app id and endpoint come from the config.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { APP_PACKAGE_DIR, buildTeamsAppPackage, teamsPackageSettings } from '../teams/appPackage.js';

export const DEFAULT_TEAMS_PACKAGE = join(APP_PACKAGE_DIR, 'build', 'backline-teams.zip');

export async function teamsPackageCommand(config: Config, out: string | undefined, json: boolean): Promise<string> {
  const settings = teamsPackageSettings(config);
  const appPackage = await buildTeamsAppPackage(settings);
  const file = resolve(out ?? DEFAULT_TEAMS_PACKAGE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, appPackage.zip);
  const summary = {
    file,
    bytes: appPackage.zip.length,
    files: appPackage.files,
    manifestVersion: appPackage.manifest.manifestVersion,
    appId: appPackage.manifest.id,
    botId: appPackage.manifest.bots[0]!.botId,
    validDomains: appPackage.manifest.validDomains ?? [],
    version: settings.appVersion,
  };
  if (json) return JSON.stringify(summary);
  return [
    `Wrote ${file} (${summary.bytes} bytes: ${summary.files.join(', ')}).`,
    `  Teams app id ${summary.appId}, bot ${summary.botId}, manifest ${summary.manifestVersion}, version ${summary.version}.`,
    `  Messaging endpoint (set the same in the Azure Bot registration): ${settings.messagingEndpoint}`,
    '  Upload it in Teams: Apps > Manage your apps > Upload an app > Upload a custom app.',
  ].join('\n');
}
