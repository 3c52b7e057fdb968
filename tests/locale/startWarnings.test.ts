// The words follow the emergency number: what start-up says when they fit less well than they
// could (logged, without health data), and the settings that stop it (src/config.ts).
import { describe, expect, it } from 'vitest';
import { createBackline } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';

const base = { NODE_ENV: 'test', STORAGE: 'memory', LOG_LEVEL: 'silent', NLU_CACHE_DIR: 'data/test-nlu-cache' };

function capturingLogger(): { logger: Logger; warnings: { event: string; fields?: Record<string, unknown> }[] } {
  const warnings: { event: string; fields?: Record<string, unknown> }[] = [];
  const none = () => {};
  return { logger: { debug: none, info: none, error: none, warn: (event, fields) => warnings.push({ event, ...(fields ? { fields } : {}) }) }, warnings };
}

describe('start-up and the words for the emergency number', () => {
  it('EMERGENCY_NUMBER=112 without an international English pack logs that the words are en-US', async () => {
    const { logger, warnings } = capturingLogger();
    const backline = createBackline(loadConfig({ ...base, EMERGENCY_NUMBER: '112' }), { logger, retentionSweep: false });
    try {
      expect(warnings.filter((w) => w.event === 'locale_config')).toEqual([
        { event: 'locale_config', fields: { warning: expect.stringMatching(/^EMERGENCY_NUMBER=112: no en pack .* en-US's/) } },
      ]);
    } finally {
      await backline.close();
    }
  });

  it('EMERGENCY_NUMBER=999 alone logs nothing: the words are en-GB', async () => {
    const { logger, warnings } = capturingLogger();
    const config = loadConfig({ ...base, EMERGENCY_NUMBER: '999' });
    const backline = createBackline(config, { logger, retentionSweep: false });
    try {
      expect(config.LOCALE).toBe('en-GB');
      expect(warnings.filter((w) => w.event === 'locale_config')).toEqual([]);
    } finally {
      await backline.close();
    }
  });

  it('LOCALE=en-US with EMERGENCY_NUMBER=999 never gets as far as a server', () => {
    expect(() => loadConfig({ ...base, LOCALE: 'en-US', EMERGENCY_NUMBER: '999' })).toThrow(ConfigError);
  });
});
