/*
 * The chat page: starts (or resumes) a Direct Line conversation and renders Web Chat.
 *
 * - A new conversation: POST /api/directline/token, then Web Chat starts it (the bot's welcome).
 * - A reload within the configured time keeps the conversation: its token and id are kept in
 *   localStorage with the time of the last activity; the token is refreshed and Web Chat
 *   reconnects, replaying the transcript. After the time has passed, it starts fresh.
 * - Embedded (/chat?embed=1, inside the launcher's iframe): Escape or the close button asks the
 *   page around it to close the panel; the page asks us to focus the message box when it opens.
 * - Tools above the conversation: "Start over" (a new conversation), "Download chat" (the
 *   transcript as a text file, made in the browser), and the privacy link; the one-line privacy
 *   notice shows until it is dismissed (remembered in localStorage).
 */
(function () {
  'use strict';

  var script = document.currentScript;
  // The page's CSP allows Web Chat's <style> elements with this nonce (script-src needs no nonce).
  var styleNonce = (script && script.nonce) || undefined;
  var config = JSON.parse(document.querySelector('meta[name="backline-widget"]').getAttribute('content'));

  var embedded = document.body.classList.contains('bl-embedded');
  var STORAGE_KEY = 'backline.webchat.conversation';
  var RESTARTED_KEY = 'backline.webchat.restarted';
  var NOTICE_KEY = 'backline.webchat.noticeSeen';
  /** The conversation as shown, for "Download chat": {id, who, text, at}. */
  var lines = [];
  var seenIds = {};
  var TTL_MS = config.conversationTtlMinutes * 60 * 1000;
  // botframework-directlinejs ConnectionStatus
  var ONLINE = 2;
  var EXPIRED_TOKEN = 3;
  var FAILED_TO_CONNECT = 4;
  var statusElement = document.getElementById('bl-status');
  var container = document.getElementById('webchat');
  var focusRequested = false;

  function setStatus(text) {
    statusElement.textContent = text || '';
  }

  function readSaved() {
    var saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || 'null');
    } catch (e) {
      saved = null;
    }
    if (!saved || typeof saved.token !== 'string' || typeof saved.conversationId !== 'string' || typeof saved.domain !== 'string') return null;
    if (typeof saved.lastActive !== 'number' || Date.now() - saved.lastActive > TTL_MS) {
      forget();
      return null;
    }
    return saved;
  }

  function save(session) {
    session.lastActive = Date.now();
    try {
      localStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({
          token: session.token,
          conversationId: session.conversationId,
          userId: session.userId,
          domain: session.domain,
          lastActive: session.lastActive,
        }),
      );
    } catch (e) {
      // Storage blocked or full: the conversation simply is not kept across reloads.
    }
  }

  function forget() {
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      // Nothing kept.
    }
  }

  function newSession() {
    return fetch('/api/directline/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      credentials: 'same-origin',
      cache: 'no-store',
    })
      .then(function (response) {
        if (!response.ok) throw new Error('token ' + response.status);
        return response.json();
      })
      .then(function (body) {
        return { token: body.token, conversationId: body.conversationId, userId: body.userId, domain: body.domain, resume: false };
      });
  }

  /** A fresh token for the kept conversation, or null if it cannot be resumed. */
  function resumeSession(saved) {
    return fetch(saved.domain + '/tokens/refresh', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + saved.token },
      credentials: 'omit',
      cache: 'no-store',
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (!body || typeof body.token !== 'string') return null;
        return { token: body.token, conversationId: saved.conversationId, userId: saved.userId, domain: saved.domain, resume: true };
      })
      .catch(function () {
        return null;
      });
  }

  function sendBox() {
    return container.querySelector('[data-id="webchat-sendbox-input"]') || container.querySelector('.webchat__send-box-text-box__input');
  }

  function focusSendBox() {
    var box = sendBox();
    if (box) {
      focusRequested = false;
      box.focus();
      return;
    }
    focusRequested = true;
  }

  /** Keeps each message activity Web Chat receives (its own echoes included), once. */
  function recordActivity(activity) {
    if (!activity || activity.type !== 'message' || typeof activity.text !== 'string' || !activity.text) return;
    if (activity.id && seenIds[activity.id]) return;
    if (activity.id) seenIds[activity.id] = true;
    var fromUser = activity.from && activity.from.role === 'user';
    lines.push({ who: fromUser ? config.youLabel : config.title, text: activity.text, at: activity.timestamp || new Date().toISOString() });
  }

  function transcriptText() {
    var header = config.title + ' chat, saved ' + new Date().toLocaleString() + '\n' + 'In an emergency, call ' + config.emergencyNumber + '.\n\n';
    return (
      header +
      lines
        .map(function (line) {
          var time = new Date(line.at);
          var stamp = isNaN(time.getTime()) ? '' : '[' + time.toLocaleString() + '] ';
          return stamp + line.who + ':\n' + line.text;
        })
        .join('\n\n') +
      '\n'
    );
  }

  function download() {
    var blob = new Blob([transcriptText()], { type: 'text/plain;charset=utf-8' });
    var link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'backline-chat-' + new Date().toISOString().slice(0, 10) + '.txt';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
    }, 10000);
  }

  /** "Start over": forget the kept conversation and open a new one now. */
  function startFresh() {
    forget();
    location.reload();
  }

  function setUpNotice() {
    var notice = document.getElementById('bl-notice');
    var seen = false;
    try {
      seen = localStorage.getItem(NOTICE_KEY) === '1';
    } catch (e) {
      seen = false;
    }
    notice.hidden = seen;
    document.getElementById('bl-notice-ok').addEventListener('click', function () {
      notice.hidden = true;
      try {
        localStorage.setItem(NOTICE_KEY, '1');
      } catch (e) {
        // Not kept: the notice shows again next time.
      }
      focusSendBox();
    });
  }

  function render(session) {
    var directLine = window.WebChat.createDirectLine(
      session.resume
        ? { token: session.token, conversationId: session.conversationId, domain: session.domain, webSocket: true }
        : { token: session.token, domain: session.domain, webSocket: true },
    );
    save(session);
    directLine.activity$.subscribe(function () {
      // Direct Line refreshes its token itself; keep the newest for the next reload.
      if (typeof directLine.token === 'string') session.token = directLine.token;
      save(session);
    });
    directLine.connectionStatus$.subscribe(function (status) {
      if (status === ONLINE) setStatus('');
      if (status === FAILED_TO_CONNECT || status === EXPIRED_TOKEN) {
        // The conversation can no longer be reached (erased, or the server restarted with a new
        // key): start over rather than leave a dead chat on screen.
        if (session.resume || status === EXPIRED_TOKEN) startOver();
        else setStatus('The chat could not connect. Please reload the page. In an emergency, call ' + config.emergencyNumber + '.');
      }
    });

    var store = window.WebChat.createStore({}, function () {
      return function (next) {
        return function (action) {
          if (action && action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') recordActivity(action.payload && action.payload.activity);
          return next(action);
        };
      };
    });
    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        store: store,
        // A team member in a live chat sees "typing…" (the bot itself ignores it).
        sendTypingIndicator: true,
        userID: session.userId,
        username: 'You',
        locale: config.locale,
        nonce: styleNonce,
        styleOptions: config.styleOptions,
        overrideLocalizedStrings: { TEXT_INPUT_PLACEHOLDER: config.inputPlaceholder },
      },
      container,
    );
    if (focusRequested) waitForSendBox();
  }

  /** Forgets the kept conversation and reloads this page (only the panel, when embedded); at most once a minute. */
  function startOver() {
    forget();
    var last = 0;
    try {
      last = Number(sessionStorage.getItem(RESTARTED_KEY)) || 0;
      sessionStorage.setItem(RESTARTED_KEY, String(Date.now()));
    } catch (e) {
      last = Date.now();
    }
    if (Date.now() - last < 60 * 1000) {
      setStatus('The chat could not connect. Please reload the page. In an emergency, call ' + config.emergencyNumber + '.');
      return;
    }
    // After Direct Line's status change has been handled, not in the middle of it.
    setTimeout(function () {
      location.reload();
    }, 0);
  }

  function waitForSendBox() {
    var tries = 0;
    (function poll() {
      if (!focusRequested) return;
      if (sendBox()) return focusSendBox();
      if (++tries < 100) setTimeout(poll, 50);
    })();
  }

  function start(mayResume) {
    var saved = mayResume ? readSaved() : null;
    var next = saved ? resumeSession(saved) : Promise.resolve(null);
    next
      .then(function (session) {
        return session || newSession();
      })
      .then(render)
      .catch(function () {
        setStatus('The chat is not available right now. Please try again later. In an emergency, call ' + config.emergencyNumber + '.');
      });
  }

  function askToClose() {
    if (embedded && window.parent !== window) window.parent.postMessage({ type: 'backline:close' }, '*');
  }

  document.getElementById('bl-close').addEventListener('click', askToClose);
  document.getElementById('bl-start-over').addEventListener('click', startFresh);
  document.getElementById('bl-download').addEventListener('click', download);
  setUpNotice();
  document.addEventListener('keydown', function (event) {
    // Web Chat uses Escape inside some of its controls first; only an unhandled Escape closes.
    if (event.key === 'Escape' && !event.defaultPrevented) askToClose();
  });
  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== 'backline:focus') return;
    focusSendBox();
    if (focusRequested) waitForSendBox();
  });

  if (!window.WebChat) {
    setStatus('The chat could not load. Please reload the page. In an emergency, call ' + config.emergencyNumber + '.');
    return;
  }
  start(true);
})();
