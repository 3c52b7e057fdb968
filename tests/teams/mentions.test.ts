// @mentions are taken out of the text with the SDK's own helper (Activity.removeMentionText).
import { Activity } from '@microsoft/agents-activity';
import { describe, expect, it } from 'vitest';
import { messageInputOf, textWithoutMentions } from '../../src/bot/backlineBot.js';

const BOT = { id: '28:bot-app-id', name: 'Backline' };
const ALEX = { id: '29:alex', name: 'Alex' };

function message(text: string, entities: unknown[]): Activity {
  return Activity.fromObject({ type: 'message', text, from: ALEX, recipient: BOT, conversation: { id: 'c1' }, channelId: 'msteams', entities });
}

describe('textWithoutMentions', () => {
  it("removes the bot's @mention and anyone else's, wherever they are in the text", () => {
    const activity = message('<at>Backline</at> my back hurts <at>Alex</at> when I lift my leg', [
      { type: 'mention', text: '<at>Backline</at>', mentioned: BOT },
      { type: 'mention', text: '<at>Alex</at>', mentioned: ALEX },
    ]);
    expect(textWithoutMentions(activity)).toBe('my back hurts when I lift my leg');
    expect(messageInputOf(activity, 1000).text).toBe('my back hurts when I lift my leg');
  });

  it('removes a mention that appears twice, and leaves text with no mention as it is', () => {
    const twice = message('<at>Backline</at> help <at>Backline</at>', [
      { type: 'mention', text: '<at>Backline</at>', mentioned: BOT },
      { type: 'mention', text: '<at>Backline</at>', mentioned: BOT },
    ]);
    expect(textWithoutMentions(twice)).toBe('help');
    expect(textWithoutMentions(message('  why does it  hurt ', []))).toBe('why does it hurt');
  });

  it('a mention entity without anyone mentioned does not throw', () => {
    const activity = message('<at>Backline</at> hello', [{ type: 'mention', text: '<at>Backline</at>' }]);
    expect(() => textWithoutMentions(activity)).not.toThrow();
    expect(textWithoutMentions(Activity.fromObject({ type: 'message', conversation: { id: 'c1' } }))).toBe('');
  });
});
