// `backline chat` in a real pseudo-terminal (util-linux `script`) and through a pipe: what a
// person types shows once, **bold** is ANSI bold on a terminal and plain words in a pipe.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chatLines, formatReplies } from '../../src/cli/chat.js';
import { terminalLookOf, terminalText } from '../../src/cli/terminalText.js';
import { PassThrough } from 'node:stream';
import type { Activity } from '@microsoft/agents-activity';

const ESC = '\u001b';
const env = { ...process.env, LOG_LEVEL: 'silent', NO_COLOR: '', TERM: 'xterm' };
delete (env as Record<string, string | undefined>).NO_COLOR;

/** Runs `backline chat` in a pseudo-terminal, typing each line after the prompt, like a person. */
function chatInPty(lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', `${process.execPath} bin/backline.js chat`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let prompts = 0;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`timed out; output so far:\n${output}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const seen = output.split('you> ').length - 1;
      if (seen > prompts) {
        prompts = seen;
        const next = lines[prompts - 1];
        // Ctrl-D ends the chat after the last line.
        setTimeout(() => child.stdin.write(next === undefined ? '\u0004' : `${next}\r`), 100);
      }
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

describe('backline chat in a terminal', () => {
  it('echoes each typed line exactly once and shows bold as ANSI bold, never as **', async () => {
    const output = await chatInPty(['zorblat quintessence', 'what is sciatica']);
    expect(output.split('zorblat quintessence').length - 1).toBe(1);
    expect(output.split('what is sciatica').length - 1).toBe(1);
    expect(output).toContain(`${ESC}[1m`);
    expect(output).not.toContain('**');
  }, 90_000);

  it('piped: no echo, no escape codes, no raw markdown', () => {
    const result = spawnSync(process.execPath, ['bin/backline.js', 'chat'], {
      input: 'zorblat quintessence\nwhat is sciatica\n',
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('zorblat');
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).not.toContain('**');
    expect(result.stdout).toMatch(/backline> .*sciatica/i);
  }, 90_000);
});

describe('terminal text', () => {
  it('bold is ANSI on a terminal and plain in a pipe; links keep their address', () => {
    expect(terminalText('Call **911** now, see [NHS](https://nhs.uk)', { ansi: true })).toBe(`Call ${ESC}[1m911${ESC}[22m now, see NHS (https://nhs.uk)`);
    expect(terminalText('Call **911** now', { ansi: false })).toBe('Call 911 now');
    expect(terminalLookOf({ isTTY: true }, { TERM: 'xterm' }).ansi).toBe(true);
    expect(terminalLookOf({ isTTY: true }, { TERM: 'xterm', NO_COLOR: '1' }).ansi).toBe(false);
    expect(terminalLookOf({ isTTY: false }, { TERM: 'xterm' }).ansi).toBe(false);
  });

  it('urgent advice stands out: red on a terminal, "!" when plain', () => {
    const urgent = [{ type: 'message', text: '**Go now.**', channelData: { backline: { urgent: true } } }] as unknown as Activity[];
    expect(formatReplies(urgent, { ansi: false })).toBe('\nbackline> ! Go now.\n');
    expect(formatReplies(urgent, { ansi: true })).toContain(`${ESC}[31m`);
  });

  it('readline runs in terminal mode (and echoes) only when input and output are both terminals', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    const both = chatLines({ input: Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => true }), output: tty });
    const piped = chatLines({ input: pipe, output: tty });
    expect((both as unknown as { terminal: boolean }).terminal).toBe(true);
    expect((piped as unknown as { terminal: boolean }).terminal).toBe(false);
    both.close();
    piped.close();
  });
});
