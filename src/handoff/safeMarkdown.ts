// A team member's message goes into the person's chat, which renders markdown. An image there
// (![alt](https://…)) would make the person's browser fetch a remote address; escaped, it shows
// as the text it is. Raw HTML is not rendered by the chat (markdown without HTML).

/** The text with every markdown image (inline or reference style) turned into literal text. */
export function withoutImages(text: string): string {
  return text.replace(/!\[/g, '\\!\\[');
}
