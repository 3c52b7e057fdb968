// The container files, checked without Docker (these machines cannot pull images or run
// containers): the Dockerfile's stages and instructions, the compose file's services, and the
// HAProxy configuration with `haproxy -c`.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { testBackline } from '../helpers/backline.js';
import { close, listen } from '../helpers/http.js';

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions in order (comments dropped, continuation lines joined), with the stage each belongs to. */
function dockerfile(path: string): { instructions: Instruction[]; stages: { name: string | undefined; base: string }[] } {
  const logical: string[] = [];
  let pending = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push((pending + line).trim());
    pending = '';
  }
  expect(pending, 'a continuation line runs off the end').toBe('');
  const stages: { name: string | undefined; base: string }[] = [];
  const instructions = logical.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword!.toUpperCase() === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      expect(match, `FROM ${args}`).not.toBeNull();
      stages.push({ base: match![1]!, name: match![2] });
    }
    return { keyword: keyword!.toUpperCase(), args, stage: stages.length - 1 };
  });
  return { instructions, stages };
}

describe('Dockerfile', () => {
  const { instructions, stages } = dockerfile('Dockerfile');
  const known = new Set(['FROM', 'RUN', 'COPY', 'WORKDIR', 'ENV', 'USER', 'EXPOSE', 'HEALTHCHECK', 'CMD', 'ARG', 'LABEL', 'ENTRYPOINT']);
  const last = stages.length - 1;
  const inStage = (stage: number, keyword: string) => instructions.filter((i) => i.stage === stage && i.keyword === keyword);
  const stageNamed = (name: string) => stages.findIndex((s) => s.name === name);

  it('uses only known instructions, every stage on Node 24 slim', () => {
    for (const instruction of instructions) expect(known, instruction.keyword).toContain(instruction.keyword);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.base).toMatch(/^node:24(\.[\d.]+)?-[a-z]+-slim$/);
  });

  it('builds with all dependencies, then installs production dependencies with npm ci --omit=dev in a build stage', () => {
    const build = stageNamed('build');
    expect(build).toBeGreaterThanOrEqual(0);
    const buildRuns = inStage(build, 'RUN').map((i) => i.args);
    expect(buildRuns.some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r))).toBe(true);
    const omitStage = instructions.find((i) => i.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args));
    expect(omitStage, 'npm ci --omit=dev').toBeDefined();
    expect(omitStage!.stage).not.toBe(last);
    // The runtime stage installs nothing: it copies node_modules from the --omit=dev stage and dist from the build.
    expect(inStage(last, 'RUN').some((i) => /\bnpm (ci|install)\b/.test(i.args))).toBe(false);
    const copies = inStage(last, 'COPY').map((i) => i.args);
    expect(copies.some((c) => c.includes(`--from=${stages[omitStage!.stage]!.name}`) && /node_modules/.test(c))).toBe(true);
    expect(copies.some((c) => c.includes('--from=build') && /\/app\/dist\b/.test(c))).toBe(true);
  });

  it('runs as a non-root user, with a HEALTHCHECK on /healthz and the server as its command', () => {
    const users = inStage(last, 'USER').map((i) => i.args.trim());
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    const userAt = instructions.findIndex((i) => i.stage === last && i.keyword === 'USER');
    const cmdAt = instructions.findIndex((i) => i.stage === last && i.keyword === 'CMD');
    expect(userAt).toBeLessThan(cmdAt);
    const health = inStage(last, 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0]!.args).toMatch(/\/healthz/);
    expect(health[0]!.args).toMatch(/CMD/);
    expect(JSON.parse(inStage(last, 'CMD')[0]!.args)).toEqual(['node', 'bin/backline.js', 'serve']);
    expect(inStage(last, 'ENV').map((i) => i.args).join(' ')).toMatch(/HOST=0\.0\.0\.0/);
  });

  it('keeps data, secrets and build output out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', 'data', '.env', '.git']) expect(ignored).toContain(entry);
  });

  it('its healthcheck passes against a running server and fails when nothing answers', async () => {
    const health = inStage(last, 'HEALTHCHECK')[0]!.args;
    const command = JSON.parse(health.slice(health.indexOf('['))) as string[];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    const backline = testBackline();
    const { server, url } = await listen(backline);
    const port = new URL(url).port;
    try {
      const run = (env: Record<string, string>) => new Promise<number | null>((resolve) => execFile(process.execPath, ['-e', command[2]!], { env: { ...process.env, ...env } }, (error) => resolve(error ? (error.code as number) : 0)));
      expect(await run({ PORT: port })).toBe(0);
      await close(server);
      expect(await run({ PORT: port })).toBe(1);
    } finally {
      await close(server).catch(() => undefined);
      await backline.close();
    }
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync('deploy/compose.yaml', 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; build?: { context: string; dockerfile: string }; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> | string[]; command?: string[]; volumes?: string[]; ports?: string[] }>;
  };
  const instances = ['backline-1', 'backline-2'];

  it('has PostgreSQL, a migration step, two Backline instances and HAProxy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['backline-1', 'backline-2', 'lb', 'migrate', 'postgres']);
    expect(compose.services.postgres!.image).toMatch(/^postgres:/);
    expect(compose.services.lb!.image).toMatch(/^haproxy:/);
    expect(compose.services.lb!.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    expect(compose.services.migrate!.command).toEqual(['node', 'bin/backline.js', 'migrate']);
  });

  it('builds the instances from this Dockerfile, on the shared PostgreSQL store, started after the migration', () => {
    for (const name of instances) {
      const service = compose.services[name]!;
      expect(service.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
      expect(service.environment).toMatchObject({ STORAGE: 'postgres', HOST: '0.0.0.0' });
      expect(service.environment!.DATABASE_URL).toMatch(/^postgres:\/\/backline:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/backline$/);
      expect((service.depends_on as Record<string, { condition: string }>).migrate).toEqual({ condition: 'service_completed_successfully' });
    }
    expect((compose.services.migrate!.depends_on as Record<string, { condition: string }>).postgres).toEqual({ condition: 'service_healthy' });
  });

  it('takes every secret from the environment, required, never a literal', () => {
    const secrets = ['POSTGRES_PASSWORD', 'DATABASE_URL', 'DIRECT_LINE_TOKEN_SECRET', 'METRICS_TOKEN', 'MICROSOFT_APP_PASSWORD', 'SUPPORT_ADMIN_TOKEN'];
    for (const service of Object.values(compose.services)) {
      for (const [name, value] of Object.entries(service.environment ?? {})) {
        if (secrets.includes(name)) expect(String(value), name).toMatch(/\$\{[A-Z_]+(:[?-][^}]*)?\}/);
      }
    }
    expect(compose.services.postgres!.environment!.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(compose.services['backline-1']!.environment!.DIRECT_LINE_TOKEN_SECRET).toMatch(/^\$\{DIRECT_LINE_TOKEN_SECRET:\?/);
  });

  it('publishes only the load balancer', () => {
    for (const [name, service] of Object.entries(compose.services)) if (name !== 'lb') expect(service.ports, name).toBeUndefined();
    expect(compose.services.lb!.ports).toEqual(['8080:8080']);
  });
});

describe('deploy/haproxy.cfg', () => {
  it('is valid for haproxy -c', () => {
    const result = spawnSync('haproxy', ['-c', '-f', 'deploy/haproxy.cfg'], { encoding: 'utf8' });
    expect(result.error, 'haproxy must be installed (scripts/ensure-system-packages.sh)').toBeUndefined();
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/Configuration file is valid/);
  });

  it('balances over both instances, health-checked on /readyz, and keeps /metrics and /readyz off the public side', () => {
    const cfg = readFileSync('deploy/haproxy.cfg', 'utf8');
    expect(cfg).toMatch(/http-check send meth GET uri \/readyz/);
    expect(cfg).toMatch(/server backline-1 backline-1:3978 check/);
    expect(cfg).toMatch(/server backline-2 backline-2:3978 check/);
    expect(cfg).toMatch(/http-request deny[^\n]*path_beg \/metrics/);
    expect(cfg).toMatch(/timeout tunnel/);
    // The version tested here is the one the compose file runs.
    const version = /HAProxy version (\d+\.\d+)/.exec(execFileSync('haproxy', ['-v'], { encoding: 'utf8' }))?.[1];
    const compose = parse(readFileSync('deploy/compose.yaml', 'utf8'), { merge: true }) as { services: { lb: { image: string } } };
    expect(compose.services.lb.image).toBe(`haproxy:${version}-bookworm`);
  });
});
