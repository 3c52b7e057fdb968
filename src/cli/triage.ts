import { createBackline } from '../app.js';
import type { Config } from '../config.js';
import { formatTriageReport, loadVignettes, runVignettes } from '../eval/triageRunner.js';

export async function testTriageCommand(config: Config, file: string, json: boolean): Promise<string> {
  const vignettes = loadVignettes(file);
  const backline = createBackline(config, { retentionSweep: false });
  try {
    const report = await runVignettes(backline, vignettes);
    return json ? JSON.stringify(report) : formatTriageReport(report);
  } finally {
    await backline.close();
  }
}
