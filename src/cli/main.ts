// The `backline` command (CONTRACT §5). Exit codes: 0 when a run completed (whatever the
// score), 2 for bad arguments or a bad file, 1 for anything else that went wrong.
import { existsSync } from 'node:fs';
import { parseArgs as parseCommandLine } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { ContentError } from '../engine/loader.js';
import { TestFileError } from '../eval/nluEvaluate.js';
import { SchemaOutOfDateError } from '../storage/postgres/schema.js';

export class UsageError extends Error {}

const USAGE = `Usage:
  backline serve                         start the server (PORT, default 3978)
  backline migrate [--json]              create or upgrade the PostgreSQL schema (STORAGE=postgres)
  backline chat                          talk to the bot in the terminal (works from a pipe)
  backline nlu "TEXT" [--json]           what the bot understands of one message
  backline test nlu FILE [--json] [--cross-validate K]
                                         score the classifier and red-flag detector
  backline test triage FILE [--json]     run triage vignettes through the real conversation
  backline check                         validate knowledge/ and dialogs/
  backline train red-flags [--json] [--folds K]
                                         cross-validate the learned red-flag detector and write
                                         its thresholds to knowledge/nlu/red-flag-model.json
  backline teams-package [OUT.zip] [--json]
                                         write the Microsoft Teams app package (appPackage/)`;

interface Parsed {
  positional: string[];
  json: boolean;
  crossValidate?: number;
}

/** Whole number of folds, 2 to 20, for --cross-validate and --folds. */
function foldsOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const k = Number(value);
  if (!Number.isInteger(k) || k < 2 || k > 20) throw new UsageError(`--${flag} needs a whole number K from 2 to 20`);
  return k;
}

function parseArgs(args: string[]): Parsed {
  let parsed;
  try {
    parsed = parseCommandLine({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        'cross-validate': { type: 'string' },
        folds: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Unknown option, missing value: node's message names the option ("Unknown option '--x'").
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  const folds = foldsOf('folds', values.folds);
  const crossValidate = foldsOf('cross-validate', values['cross-validate']) ?? folds;
  return { positional: positionals, json: values.json ?? false, ...(crossValidate ? { crossValidate } : {}) };
}

/** Short-lived commands keep nothing: in-memory storage, quiet logs. */
function cliConfig(): Config {
  return loadConfig({ ...process.env, STORAGE: 'memory', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' });
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const args = parseArgs(rest);
  switch (command) {
    case 'serve': {
      const { serve } = await import('./serve.js');
      return serve(loadConfig());
    }
    case 'migrate': {
      if (args.positional.length > 0) throw new UsageError('backline migrate takes no arguments');
      const { migrateCommand } = await import('./migrate.js');
      process.stdout.write(`${await migrateCommand(loadConfig(), args.json)}\n`);
      return 0;
    }
    case 'chat': {
      const { chat } = await import('./chat.js');
      await chat(cliConfig(), { input: process.stdin, output: process.stdout });
      return 0;
    }
    case 'nlu': {
      if (args.positional.length !== 1) throw new UsageError('backline nlu needs exactly one TEXT argument');
      const { nluCommand } = await import('./nlu.js');
      process.stdout.write(`${nluCommand(cliConfig(), args.positional[0]!, args.json)}\n`);
      return 0;
    }
    case 'test': {
      const [what, file] = args.positional;
      if (what === 'nlu') {
        const { testNluCommand } = await import('./nlu.js');
        if (args.crossValidate) {
          process.stdout.write(`${await testNluCommand(cliConfig(), undefined, args.json, args.crossValidate)}\n`);
          return 0;
        }
        if (!file || args.positional.length !== 2) throw new UsageError('backline test nlu needs a FILE');
        process.stdout.write(`${await testNluCommand(cliConfig(), file, args.json)}\n`);
        return 0;
      }
      if (what === 'triage') {
        if (!file || args.positional.length !== 2) throw new UsageError('backline test triage needs a FILE');
        const { testTriageCommand } = await import('./triage.js');
        process.stdout.write(`${await testTriageCommand(cliConfig(), file, args.json)}\n`);
        return 0;
      }
      throw new UsageError('backline test needs "nlu" or "triage"');
    }
    case 'train': {
      if (args.positional[0] !== 'red-flags' || args.positional.length !== 1) throw new UsageError('backline train needs "red-flags"');
      const { trainRedFlagsCommand } = await import('./trainRedFlags.js');
      process.stdout.write(`${trainRedFlagsCommand(cliConfig(), args.json, args.crossValidate ?? 5)}\n`);
      return 0;
    }
    case 'teams-package': {
      if (args.positional.length > 1) throw new UsageError('backline teams-package takes at most one OUT.zip');
      const { teamsPackageCommand } = await import('./teamsPackage.js');
      process.stdout.write(`${await teamsPackageCommand(loadConfig(), args.positional[0], args.json)}\n`);
      return 0;
    }
    case 'check': {
      const { checkCommand } = await import('./check.js');
      const result = checkCommand(cliConfig(), args.json);
      process.stdout.write(`${result.output}\n`);
      return result.ok ? 0 : 1;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function isPostgresError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    error.constructor.name === 'DatabaseError' ||
    (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|28P01|3D000)$/.test(code)) ||
    (error instanceof AggregateError && error.errors.some(isPostgresError))
  );
}

export async function main(argv: string[]): Promise<number> {
  // A .env file in the working directory is read if present; the environment wins.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return await run(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `backline: ${error.message}\n\n` : ''}${USAGE}\n`);
      return 2;
    }
    if (error instanceof TestFileError || error instanceof ConfigError) {
      process.stderr.write(`backline: ${error.message}\n`);
      return 2;
    }
    if (error instanceof SchemaOutOfDateError) {
      process.stderr.write(`backline: ${error.message}\n`);
      return 1;
    }
    if (isPostgresError(error)) {
      // pg's messages name the host or the SQL problem, never the password.
      process.stderr.write(
        `backline: cannot use the PostgreSQL database (${String((error as { code?: unknown }).code ?? 'error')}): ${(error as Error).message}\n`,
      );
      return 1;
    }
    if (error instanceof ContentError) {
      process.stderr.write(`backline: content problems:\n${error.message}\n`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') {
      process.stderr.write(`backline: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}
