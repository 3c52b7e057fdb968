// `backline chat`: the same bot in-process, in the terminal. Buttons are shown as numbered
// options (answer with the number or the words). Works from a pipe: one message per line.
import type { Interface } from 'node:readline';
import type { Activity } from '@microsoft/agents-activity';
import { createBackline } from '../app.js';
import { InProcessConversation } from '../channels/inProcess.js';
import type { Config } from '../config.js';

function print(activities: Activity[], write: (text: string) => void): void {
  for (const activity of activities) {
    if (activity.type !== 'message' || !activity.text) continue;
    write(`\nbackline> ${activity.text.replace(/\n/g, '\n          ')}\n`);
  }
}

export async function chat(config: Config, lines: Interface, write: (text: string) => void): Promise<void> {
  const backline = createBackline(config, { retentionSweep: false });
  // The "cli" channel has no buttons, so the renderer lists choices as numbered lines.
  const conversation = new InProcessConversation(backline.adapter, backline.bot.handle, { channelId: 'cli' });
  print(await conversation.join(), write);
  write('\nyou> ');
  try {
    for await (const line of lines) {
      print(await conversation.say(line), write);
      write('\nyou> ');
    }
  } finally {
    write('\n');
    await backline.close();
  }
}
