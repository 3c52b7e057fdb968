// `backline chat`: the same bot in-process, in the terminal. Buttons are shown as numbered
// options (answer with the number or the words). Works from a pipe: one message per line.
// On a terminal, readline owns the line (it echoes what is typed, once, and allows editing);
// piped, nothing is echoed and no escape codes are written.
import { createInterface, type Interface } from 'node:readline';
import type { Activity } from '@microsoft/agents-activity';
import { createBackline } from '../app.js';
import { InProcessConversation } from '../channels/inProcess.js';
import type { BacklineChannelData } from '../channels/render.js';
import type { Config } from '../config.js';
import { terminalAlert, terminalLookOf, terminalText, type TerminalLook } from './terminalText.js';

const PROMPT = 'you> ';
const INDENT = '          ';

export interface ChatStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

/** readline in terminal mode only when both ends are a terminal: it then echoes input itself. */
export function chatLines({ input, output }: ChatStreams): Interface {
  return createInterface({ input, output, terminal: input.isTTY === true && output.isTTY === true, prompt: PROMPT });
}

export function formatReplies(activities: Activity[], look: TerminalLook): string {
  let out = '';
  for (const activity of activities) {
    if (activity.type !== 'message' || !activity.text) continue;
    const data = (activity.channelData as { backline?: BacklineChannelData } | undefined)?.backline;
    const text = terminalText(activity.text, look);
    const shown = data?.urgent || data?.crisis ? terminalAlert(text, look) : text;
    out += `\nbackline> ${shown.replace(/\n/g, `\n${INDENT}`)}\n`;
  }
  return out;
}

export async function chat(config: Config, streams: ChatStreams): Promise<void> {
  const look = terminalLookOf(streams.output);
  const lines = chatLines(streams);
  const write = (text: string) => streams.output.write(text);
  const backline = createBackline(config, { retentionSweep: false });
  // The "cli" channel has no buttons, so the renderer lists choices as numbered lines.
  const conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'cli' });
  write(formatReplies(await conversation.join(), look));
  write('\n');
  lines.prompt();
  try {
    for await (const line of lines) {
      write(formatReplies(await conversation.say(line), look));
      write('\n');
      lines.prompt();
    }
  } finally {
    write('\n');
    lines.close();
    await backline.close();
  }
}
