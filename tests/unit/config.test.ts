import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config from the environment', () => {
  it('has embedded defaults and runs in local mode without credentials', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3978, EMERGENCY_NUMBER: '911', STORAGE: 'sqlite', SQLITE_PATH: './data/backline.db', RETENTION_DAYS: 30, localMode: true });
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
});
