// Replies rendered for Teams stay within Teams' limits, however long or button-heavy they are.
import type { Activity } from '@microsoft/agents-activity';
import { describe, expect, it } from 'vitest';
import { renderReplies as renderWith, type RenderContent } from '../../src/channels/render.js';
import { splitForTeams, TEAMS_MAX_ACTIONS_PER_SET, TEAMS_MAX_TEXT_CHARS } from '../../src/channels/teamsLimits.js';
import type { Reply } from '../../src/engine/replies.js';
import { loadMessages } from '../../src/knowledge/messages.js';
import type { AdaptiveCard } from './support/teams.js';

const TEAMS_MESSAGE_BYTES = 28 * 1024;

const content: RenderContent = { emergencyNumber: '911', crisisLine: '988', messages: loadMessages('knowledge/messages.en.yaml') };
const renderReplies = (replies: Reply[], channelId: string) => renderWith(replies, channelId, content);

function cardOf(activity: Partial<Activity>): AdaptiveCard | undefined {
  return (activity.attachments?.[0]?.content as AdaptiveCard | undefined) ?? undefined;
}

function textOf(activity: Partial<Activity>): string {
  return activity.text ?? cardOf(activity)?.body.find((b) => b.type === 'TextBlock')?.text ?? '';
}

const paragraph = (i: number) => `Paragraph ${i}: ${'The nerve roots in the lower back can be stretched when the leg is raised. '.repeat(8).trim()}`;
const longText = Array.from({ length: 30 }, (_, i) => paragraph(i)).join('\n\n');
const choices = Array.from({ length: 14 }, (_, i) => ({ label: `Option ${i + 1}`, value: `node#${i + 1}` }));

describe('Teams rendering limits', () => {
  it('long text is split into messages under the size limit; the buttons and question come last', () => {
    expect(longText.length).toBeGreaterThan(3 * TEAMS_MAX_TEXT_CHARS);
    const reply: Reply = { text: longText, choices: choices.slice(0, 3), ask: { kind: 'choice', node: 'menu' } };
    const activities = renderReplies([reply], 'msteams');
    expect(activities.length).toBeGreaterThan(3);
    for (const activity of activities) {
      expect(textOf(activity).length).toBeLessThanOrEqual(TEAMS_MAX_TEXT_CHARS);
      expect(Buffer.byteLength(JSON.stringify(activity))).toBeLessThan(TEAMS_MESSAGE_BYTES);
    }
    const withCards = activities.filter((a) => cardOf(a));
    expect(withCards).toEqual([activities.at(-1)]);
    expect((activities.at(-1)!.channelData as { backline: { ask: unknown } }).backline.ask).toEqual({ kind: 'choice', node: 'menu' });
    // Nothing is lost: every paragraph is in some message.
    const all = activities.map(textOf).join('\n\n');
    for (let i = 0; i < 30; i++) expect(all).toContain(paragraph(i));
  });

  it('long urgent advice is marked urgent in every part, with the triage level on the first', () => {
    const reply: Reply = { text: longText, urgent: true, triage: { level: 'emergency', reasons: ['saddle_anaesthesia'], final: false } };
    const activities = renderReplies([reply], 'msteams');
    const data = activities.map((a) => (a.channelData as { backline?: { urgent?: boolean; triage?: { level: string } } } | undefined)?.backline);
    expect(data.every((d) => d?.urgent)).toBe(true);
    expect(data[0]?.triage?.level).toBe('emergency');
    expect(data.slice(1).some((d) => d?.triage)).toBe(false);
  });

  it('text with no break at all is still cut to size, keeping every character', () => {
    const blob = 'x'.repeat(TEAMS_MAX_TEXT_CHARS * 2 + 10);
    const parts = splitForTeams(blob);
    expect(parts.map((p) => p.length)).toEqual([TEAMS_MAX_TEXT_CHARS, TEAMS_MAX_TEXT_CHARS, 10]);
    expect(parts.join('')).toBe(blob);
  });

  it('many choices become rows of at most six Action.Submit buttons, in order (the rest behind "More options")', () => {
    const [activity] = renderReplies([{ text: 'Pick one', choices }], 'msteams');
    const card = cardOf(activity!)!;
    expect(card.version).toBe('1.5');
    const setsOf = (body: AdaptiveCard['body']): AdaptiveCard['body'] =>
      body
        .filter((b) => b.type === 'ActionSet')
        .flatMap((set) => [
          set,
          ...set.actions!.flatMap((a) => {
            const more = (a as unknown as { card?: AdaptiveCard }).card;
            return more ? setsOf(more.body) : [];
          }),
        ]);
    const sets = setsOf(card.body);
    for (const set of sets) expect(set.actions!.length).toBeLessThanOrEqual(TEAMS_MAX_ACTIONS_PER_SET);
    const actions = sets.flatMap((s) => s.actions!).filter((a) => a.type === 'Action.Submit');
    expect(actions.map((a) => a.title)).toEqual(choices.map((c) => c.label));
    expect(actions.map((a) => a.data)).toEqual(choices.map((c) => ({ choice: c.value, label: c.label })));
    expect(actions.every((a) => a.type === 'Action.Submit')).toBe(true);
  });

  it('other channels are not split (Web Chat has no such limit)', () => {
    expect(renderReplies([{ text: longText }], 'webchat')).toHaveLength(1);
  });

  it('a short reply is one message, unchanged', () => {
    const activities = renderReplies([{ text: 'Hello there.' }], 'msteams');
    expect(activities).toHaveLength(1);
    expect(activities[0]!.text).toBe('Hello there.');
  });
});
