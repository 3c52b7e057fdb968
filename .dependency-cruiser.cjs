// The layers of src/ and the import rules between them (`npm run depcheck`, part of `npm test`).
// The README's "How it is built" draws the same layers.
//
// A module may import from its own layer and from the layers below it, never from a layer
// above. Type-only imports count: they couple the code as much as value imports do.
//
//   9 tooling       src/cli/, src/eval/                              (commands, evaluation, calibration)
//   8 app           src/app.ts, src/content.ts                       (wires everything; loads all content)
//   7 hosting       src/server/, src/directline/, src/webchat/, src/teams/
//   6 bot           src/bot/                                         (the turn: receive, decide, save, send)
//   5 support       src/handoff/                                     (people taking over, cases, console)
//   4 conversation  src/conversation/, src/channels/, src/observability/
//   3 domain        src/engine/ over src/knowledge/, src/nlu/, src/triage/, src/trials/, src/locale/
//   2 platform      src/config.ts, src/config/, src/storage/, src/cluster/
//   1 foundation    src/util/, src/text/, src/contract.ts, src/logger.ts
/** @typedef {{ name: string, path: string }} Layer */

/** @type {Layer[]} bottom first */
const LAYERS = [
  { name: 'foundation', path: '^src/(util/|text/|contract\\.ts$|logger\\.ts$)' },
  { name: 'platform', path: '^src/(config\\.ts$|config/|storage/|cluster/)' },
  { name: 'domain', path: '^src/(knowledge|nlu|triage|trials|engine|locale)/' },
  { name: 'conversation', path: '^src/(conversation|channels|observability)/' },
  { name: 'support', path: '^src/handoff/' },
  { name: 'bot', path: '^src/bot/' },
  { name: 'hosting', path: '^src/(server|directline|webchat|teams)/' },
  { name: 'app', path: '^src/(app|content)\\.ts$' },
  { name: 'tooling', path: '^src/(cli|eval)/' },
];

/**
 * Imports allowed to point up a layer (at most 4, each with its reason). None are needed today;
 * an entry is `{ layer: 'domain', from: '^src/engine/x\\.ts$', to: '^src/handoff/y\\.ts$', reason: '...' }`
 * (`from` must lie in `layer`).
 * @type {{ layer: string, from: string, to: string, reason: string }[]}
 */
const UPWARD_EXCEPTIONS = [
  {
    layer: 'platform',
    from: '^src/config\\.ts$',
    to: '^src/locale/(packs|numbers)\\.ts$',
    reason:
      'LOCALE and the help numbers are checked against the language packs when the configuration loads, so a LOCALE without a pack stops the start at once',
  },
];
if (UPWARD_EXCEPTIONS.length > 4) throw new Error('at most 4 upward imports may be allowed: move code instead');
if (UPWARD_EXCEPTIONS.some((e) => !e.reason || !LAYERS.some((l) => l.name === e.layer))) {
  throw new Error('every allowed upward import names its layer and gives its reason');
}

// Every file of src/ belongs to a layer, so a new folder cannot slip past the rules.
{
  const { readdirSync } = require('node:fs');
  const { join } = require('node:path');
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const stray = walk(join(__dirname, 'src'))
    .map((file) =>
      file
        .slice(__dirname.length + 1)
        .split('\\')
        .join('/'),
    )
    .filter((file) => file.endsWith('.ts') && !LAYERS.some((layer) => new RegExp(layer.path).test(file)));
  if (stray.length > 0) throw new Error(`files in no layer (add them to LAYERS in .dependency-cruiser.cjs): ${stray.join(', ')}`);
}

/** One rule per layer: nothing in it imports a layer above. */
function layerRules() {
  const rules = [];
  LAYERS.forEach((layer, index) => {
    const above = LAYERS.slice(index + 1).map((l) => l.path);
    if (above.length === 0) return;
    const comment = `the ${layer.name} layer may not import from a layer above it (${LAYERS.slice(index + 1)
      .map((l) => l.name)
      .join(', ')})`;
    const exceptions = UPWARD_EXCEPTIONS.filter((e) => e.layer === layer.name);
    rules.push({
      name: `layer-${layer.name}-not-up`,
      severity: 'error',
      comment,
      from: { path: layer.path, ...(exceptions.length ? { pathNot: exceptions.map((e) => e.from) } : {}) },
      to: { path: above },
    });
    for (const exception of exceptions) {
      rules.push({
        name: `layer-${layer.name}-not-up`,
        severity: 'error',
        comment: `${comment}; allowed: ${exception.to} (${exception.reason})`,
        from: { path: exception.from },
        to: { path: above, pathNot: exception.to },
      });
    }
  });
  return rules;
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'an import circle ties modules together so that neither can be understood or tested alone',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-not-to-bot',
      severity: 'error',
      comment: 'engine, nlu, triage, trials, knowledge and handoff never import the bot: the bot uses them',
      from: { path: '^src/(engine|nlu|triage|trials|knowledge|handoff)/' },
      to: { path: '^src/bot/' },
    },
    {
      name: 'domain-leaves',
      severity: 'error',
      comment: 'language understanding and the triage rules are leaves of the domain: they read text and rules, not dialogs, articles or trials',
      from: { path: '^src/(nlu|triage)/' },
      to: { path: '^src/(engine|knowledge|trials)/' },
    },
    {
      name: 'no-tooling-in-product',
      severity: 'error',
      comment: 'evaluation and calibration code (src/eval/) is run by the CLI and tests, never by the product',
      from: { path: '^src/', pathNot: '^src/(cli|eval)/' },
      to: { path: '^src/eval/' },
    },
    ...layerRules(),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
