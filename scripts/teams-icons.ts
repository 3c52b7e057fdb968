// Redraws appPackage/color.png and appPackage/outline.png from src/teams/icons.ts.
// Run: npx tsx scripts/teams-icons.ts   (tests/teams/appPackage.test.ts checks they match)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_PACKAGE_DIR } from '../src/teams/appPackage.js';
import { colorIconPng, outlineIconPng } from '../src/teams/icons.js';

writeFileSync(join(APP_PACKAGE_DIR, 'color.png'), colorIconPng());
writeFileSync(join(APP_PACKAGE_DIR, 'outline.png'), outlineIconPng());
process.stdout.write(`wrote color.png and outline.png in ${APP_PACKAGE_DIR}\n`);
