// `npm run dev`: the server from the TypeScript sources, restarted by tsx on every change to
// src/, knowledge/ or dialogs/ (no build step; `npm start` runs the compiled dist/).
import { main } from '../src/cli/main.js';

process.exitCode = await main(['serve', ...process.argv.slice(2)]);
