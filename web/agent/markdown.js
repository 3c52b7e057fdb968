// The bot's markdown as safe DOM for the console's transcript: paragraphs, bullet and numbered
// lists, **bold**, *italics* / _italics_, and links. Every piece of text goes in with text nodes,
// never as HTML; a link becomes a link only for https addresses (opening in a new tab, without
// the referrer), otherwise its text; an image (![alt](url)) is shown as its alt text, so nothing
// is ever fetched from elsewhere.
'use strict';

(function () {
  const INLINE = /(\*\*([^*]+)\*\*|__([^_]+)__|!\[([^\]]*)\]\(([^)\s]*)\)|\[([^\]]+)\]\(([^)\s]+)\)|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_)/g;

  function safeHttpsUrl(raw) {
    try {
      const url = new URL(raw);
      return url.protocol === 'https:' ? url.href : null;
    } catch (_error) {
      return null;
    }
  }

  function inline(text, into) {
    let last = 0;
    for (const match of text.matchAll(INLINE)) {
      if (match.index > last) into.append(document.createTextNode(text.slice(last, match.index)));
      last = match.index + match[0].length;
      if (match[2] !== undefined || match[3] !== undefined) {
        const strong = document.createElement('strong');
        inline(match[2] !== undefined ? match[2] : match[3], strong);
        into.append(strong);
      } else if (match[4] !== undefined) {
        // An image: its description only, never the picture.
        into.append(document.createTextNode(match[4] ? `[image: ${match[4]}]` : '[image]'));
      } else if (match[6] !== undefined) {
        const href = safeHttpsUrl(match[7]);
        if (href) {
          const a = document.createElement('a');
          a.href = href;
          a.target = '_blank';
          a.rel = 'noopener noreferrer nofollow';
          a.textContent = match[6];
          into.append(a);
        } else {
          into.append(document.createTextNode(match[6]));
        }
      } else {
        const em = document.createElement('em');
        em.textContent = match[8] !== undefined ? match[8] : match[9];
        into.append(em);
      }
    }
    if (last < text.length) into.append(document.createTextNode(text.slice(last)));
  }

  /** A DocumentFragment for the markdown text. */
  function render(text) {
    const fragment = document.createDocumentFragment();
    let list = null;
    let paragraph = null;
    for (const line of String(text).split(/\r?\n/)) {
      const bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
      const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
      if (bullet || numbered) {
        const tag = bullet ? 'UL' : 'OL';
        if (!list || list.tagName !== tag) {
          list = document.createElement(tag.toLowerCase());
          fragment.append(list);
        }
        const li = document.createElement('li');
        inline((bullet || numbered)[1], li);
        list.append(li);
        paragraph = null;
        continue;
      }
      list = null;
      if (line.trim() === '') {
        paragraph = null;
        continue;
      }
      if (!paragraph) {
        paragraph = document.createElement('p');
        fragment.append(paragraph);
      } else {
        paragraph.append(document.createElement('br'));
      }
      inline(line, paragraph);
    }
    return fragment;
  }

  window.BacklineMarkdown = { render };
})();
