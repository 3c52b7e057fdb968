// The widget's look and behaviour, from web/widget.yaml (checked with zod at start-up).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour must be #rrggbb');
const shortText = (max: number) => z.string().trim().min(1).max(max);

const widgetConfigSchema = z
  .object({
    title: shortText(60),
    subtitle: z.string().trim().max(140).default(''),
    launcherLabel: shortText(80),
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'locale must look like en-US'),
    inputPlaceholder: shortText(80),
    conversationTtlMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    colors: z
      .object({
        accent: colour,
        headerBackground: colour,
        headerText: colour,
        botBubble: colour,
        botBubbleText: colour,
        userBubble: colour,
        userBubbleText: colour,
      })
      .strict(),
    avatar: z
      .object({
        image: z
          .string()
          .regex(/^([A-Za-z0-9_-]+\.(svg|png|jpg|jpeg|webp))?$/, 'avatar.image must be a file name in web/static')
          .default(''),
        initials: z.string().max(3).default(''),
        userInitials: z.string().max(3).default(''),
      })
      .strict(),
    privacy: z
      .object({
        notice: shortText(240),
        linkText: shortText(40),
        url: z.string().regex(/^(https:\/\/[^\s"<>]+|\/[^\s"<>]*)$/, 'privacy.url must be an https URL or a path on this server (/...)'),
      })
      .strict(),
    tools: z
      .object({
        startOver: shortText(30),
        startOverHint: shortText(120),
        download: shortText(30),
        downloadHint: shortText(120),
        dismissNotice: shortText(20),
        youLabel: shortText(20),
      })
      .strict(),
    styleOptions: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.union([z.string().max(200), z.number(), z.boolean()])).default({}),
  })
  .strict();

export type WidgetConfig = z.infer<typeof widgetConfigSchema>;

export class WidgetConfigError extends Error {}

export const WIDGET_CONFIG_FILE = join('web', 'widget.yaml');

/** Reads web/widget.yaml under `root`; `ttlOverride` is WIDGET_CONVERSATION_TTL_MINUTES. */
export function loadWidgetConfig(root: string, ttlOverride?: number): WidgetConfig {
  const file = join(root, WIDGET_CONFIG_FILE);
  if (!existsSync(file)) throw new WidgetConfigError(`The widget configuration ${file} is missing.`);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new WidgetConfigError(`${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = widgetConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new WidgetConfigError(`${file} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return ttlOverride ? { ...parsed.data, conversationTtlMinutes: ttlOverride } : parsed.data;
}

/** What the browser gets: the config, Web Chat's styleOptions worked out, and a few server facts. */
export interface BrowserWidgetConfig {
  title: string;
  subtitle: string;
  launcherLabel: string;
  locale: string;
  inputPlaceholder: string;
  conversationTtlMinutes: number;
  emergencyNumber: string;
  colors: WidgetConfig['colors'];
  /** For the downloaded transcript: who is who. */
  youLabel: string;
  styleOptions: Record<string, string | number | boolean>;
}

export function browserConfig(widget: WidgetConfig, emergencyNumber: string): BrowserWidgetConfig {
  const { colors, avatar } = widget;
  const styleOptions: Record<string, string | number | boolean> = {
    accent: colors.accent,
    bubbleBackground: colors.botBubble,
    bubbleTextColor: colors.botBubbleText,
    bubbleBorderColor: colors.botBubble,
    bubbleFromUserBackground: colors.userBubble,
    bubbleFromUserTextColor: colors.userBubbleText,
    bubbleFromUserBorderColor: colors.userBubble,
    suggestedActionBorderColor: colors.accent,
    suggestedActionTextColor: colors.accent,
    botAvatarImage: avatar.image ? `/static/${avatar.image}` : '',
    botAvatarInitials: avatar.image ? '' : avatar.initials,
    userAvatarInitials: avatar.userInitials,
    ...widget.styleOptions,
  };
  return {
    title: widget.title,
    subtitle: widget.subtitle,
    launcherLabel: widget.launcherLabel,
    locale: widget.locale,
    inputPlaceholder: widget.inputPlaceholder,
    conversationTtlMinutes: widget.conversationTtlMinutes,
    emergencyNumber,
    colors,
    youLabel: widget.tools.youLabel,
    styleOptions,
  };
}
