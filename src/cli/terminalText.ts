// How a reply's markdown reads in a terminal: **bold** in ANSI bold on a terminal that shows it,
// plain words when the output is piped or saved (no stray asterisks or escape codes either way);
// urgent advice and crisis help in bold red on a terminal, marked with "!" when plain.
const BOLD = '\u001b[1m';
const NORMAL = '\u001b[22m';
const RED = '\u001b[31m';
const DEFAULT_COLOUR = '\u001b[39m';

export interface TerminalLook {
  /** The output is a terminal that shows ANSI styles (and NO_COLOR is not set). */
  ansi: boolean;
}

export function terminalLookOf(output: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): TerminalLook {
  return { ansi: output.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb' };
}

/** Markdown the bot uses (bold, links) as terminal text. */
export function terminalText(markdown: string, look: TerminalLook): string {
  return markdown
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_whole, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/\*\*(.+?)\*\*/gs, (_whole, words: string) => (look.ansi ? `${BOLD}${words}${NORMAL}` : words));
}

/** An alert (urgent advice, crisis help) stands out: red on a terminal, "!" at the start when plain. */
export function terminalAlert(text: string, look: TerminalLook): string {
  return look.ansi ? `${RED}${BOLD}${text.replaceAll(NORMAL, `${NORMAL}${BOLD}`)}${NORMAL}${DEFAULT_COLOUR}` : `! ${text}`;
}
