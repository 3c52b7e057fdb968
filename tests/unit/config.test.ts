import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config from the environment', () => {
  it('has embedded defaults and runs in local mode without credentials', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3978,
      EMERGENCY_NUMBER: '911',
      STORAGE: 'sqlite',
      SQLITE_PATH: './data/backline.db',
      RETENTION_DAYS: 30,
      localMode: true,
    });
  });
  it('refuses to start in production without app credentials', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/MICROSOFT_APP_ID/);
  });
  it('runs in Azure mode with credentials', () => {
    const config = loadConfig({ NODE_ENV: 'production', MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'secret' });
    expect(config.localMode).toBe(false);
  });
  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ EMERGENCY_NUMBER: 'call someone' })).toThrow(/EMERGENCY_NUMBER/);
    expect(() => loadConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
  });
  it('crisis and poison lines default to the ones that go with the emergency number, and can be set', () => {
    expect(loadConfig({})).toMatchObject({ CRISIS_LINE: '988', POISON_LINE: '1-800-222-1222' });
    expect(loadConfig({ EMERGENCY_NUMBER: '999' })).toMatchObject({ CRISIS_LINE: '116 123', POISON_LINE: '111' });
    expect(loadConfig({ EMERGENCY_NUMBER: '999', CRISIS_LINE: '0800 58 58 58' })).toMatchObject({ CRISIS_LINE: '0800 58 58 58', POISON_LINE: '111' });
    expect(loadConfig({ EMERGENCY_NUMBER: '119' })).toMatchObject({ CRISIS_LINE: '119', POISON_LINE: '119' });
    expect(() => loadConfig({ CRISIS_LINE: 'ring the samaritans' })).toThrow(/CRISIS_LINE/);
  });
  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', MICROSOFT_APP_ID: '' })).toMatchObject({ PORT: 3978, localMode: true });
  });
  it('TRUST_PROXY: off by default; a hop count or proxy addresses; never "true", never nonsense', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, 2001:db8::1' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', '2001:db8::1']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY[\s\S]*number of proxies/);
    for (const bad of ['yes please', '10.0.0.0/33', '300.1.1.1', '11']) expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  });
  it('sign-in limits: per address high enough for a clinic behind one address, per account low with a short lockout', () => {
    expect(loadConfig({})).toMatchObject({ SUPPORT_LOGIN_RATE_LIMIT: 100, SUPPORT_LOGIN_ACCOUNT_LIMIT: 5, SUPPORT_LOGIN_LOCKOUT_MINUTES: 5 });
  });
  it('STORAGE=postgres needs DATABASE_URL and a shared DIRECT_LINE_TOKEN_SECRET', () => {
    const secret = 'x'.repeat(40);
    expect(() => loadConfig({ STORAGE: 'postgres', DIRECT_LINE_TOKEN_SECRET: secret })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ STORAGE: 'postgres', DATABASE_URL: 'mysql://h/db', DIRECT_LINE_TOKEN_SECRET: secret })).toThrow(
      /DATABASE_URL must be a postgres/,
    );
    expect(() => loadConfig({ STORAGE: 'postgres', DATABASE_URL: 'postgres://u@h/db' })).toThrow(/DIRECT_LINE_TOKEN_SECRET: required with STORAGE=postgres/);
    expect(loadConfig({ STORAGE: 'postgres', DATABASE_URL: 'postgres://u@h/db', DIRECT_LINE_TOKEN_SECRET: secret })).toMatchObject({
      STORAGE: 'postgres',
      DATABASE_POOL_MAX: 10,
    });
    // SQLite is one process: a random per-start key is still allowed there.
    expect(loadConfig({ STORAGE: 'sqlite' }).DIRECT_LINE_TOKEN_SECRET).toBeUndefined();
  });
});
