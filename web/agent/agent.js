// Backline agent console. Plain script, no inline code (the page's CSP allows only this file),
// and every piece of text from the server goes in with textContent, never as HTML.
'use strict';

(function () {
  const API = '/agent/api';

  const LEVELS = {
    emergency_ambulance: { label: 'Call an ambulance', tone: 'urgent' },
    emergency: { label: 'Emergency department', tone: 'urgent' },
    consultation_24: { label: 'See a doctor within 24 hours', tone: 'soon' },
    consultation: { label: 'Book a doctor', tone: 'soon' },
    self_care: { label: 'Self-care', tone: '' },
  };
  const TYPES = { chat: 'Chat', callback: 'Call-back', trial_lead: 'Trial lead' };
  const STATUSES = { waiting: 'Waiting', live: 'Live', closed: 'Closed', cancelled: 'Cancelled', handed_off: 'Handed to contact centre' };
  const REASONS = {
    asked: 'Asked for a person',
    after_triage: 'After a symptom check',
    after_warning_sign: 'After urgent advice',
    trial_interest: 'Clinical trial interest',
  };
  const ANSWERS = {
    age: 'Age',
    duration_weeks: 'Pain for (weeks)',
    trial_diagnosed: 'Diagnosed with low back pain',
    trial_medication: 'Has taken medicine for it',
    trial_consent: 'Agreed to be contacted',
  };
  const VALUES = { yes: 'Yes', no: 'No', unsure: 'Not sure' };
  const CHANNELS = { msteams: 'Teams', webchat: 'Web chat', directline: 'Web chat' };

  const $ = (id) => document.getElementById(id);
  /** A call-back or lead that someone has claimed is being handled, not a live chat. */
  const statusOf = (c) => (c.type !== 'chat' && c.status === 'live' ? 'Being handled' : STATUSES[c.status] || c.status);
  const state = {
    agent: null,
    csrf: '',
    cases: [],
    selected: null,
    cursor: '',
    view: null,
    events: null,
    /** Case ids already in a queue snapshot: a new one sounds an alert (not those there at sign-in). */
    known: null,
    /** What the open case looked like at the last render (id, status, agent), to notice changes. */
    caseKey: '',
    team: [],
    canned: [],
    typingSentAt: 0,
  };

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function minutesSince(iso) {
    const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
    return minutes < 1 ? 'under a minute' : minutes === 1 ? '1 min' : `${minutes} min`;
  }

  async function api(path, options) {
    const init = Object.assign({ credentials: 'same-origin', headers: {} }, options || {});
    if (init.method === 'POST') {
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-CSRF-Token'] = state.csrf;
      init.body = JSON.stringify(init.body || {});
    }
    const response = await fetch(API + path, init);
    let body = {};
    try {
      body = await response.json();
    } catch (_error) {
      body = {};
    }
    if (response.status === 401 && path !== '/login') {
      showSignIn('Your session has ended. Please sign in again.');
    }
    return { ok: response.ok, status: response.status, body };
  }

  // ---------- sign-in ----------

  function showSignIn(message) {
    if (state.events) state.events.close();
    state.events = null;
    state.agent = null;
    $('workspace').hidden = true;
    $('tabs').hidden = true;
    $('history').hidden = true;
    $('figures').hidden = true;
    $('who').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message || '';
    $('password').value = '';
  }

  async function signIn(event) {
    event.preventDefault();
    const result = await api('/login', { method: 'POST', body: { username: $('username').value, password: $('password').value } });
    if (!result.ok) {
      $('sign-in-error').textContent = result.body.message || 'Sign-in failed.';
      return;
    }
    startWorkspace(result.body);
  }

  async function signOut() {
    await api('/logout', { method: 'POST' });
    showSignIn('You have signed out.');
  }

  function startWorkspace(session) {
    state.agent = session.agent;
    state.csrf = session.csrf;
    state.known = null;
    $('sign-in').hidden = true;
    $('tabs').hidden = false;
    showTab('cases');
    $('who').hidden = false;
    $('who-name').textContent = session.agent.name;
    connect();
    void loadCanned();
    void loadTeam();
  }

  // ---------- tabs ----------

  function showTab(name) {
    $('workspace').hidden = name !== 'cases';
    $('history').hidden = name !== 'history';
    $('figures').hidden = name !== 'figures';
    for (const tab of ['cases', 'history', 'figures']) $(`tab-${tab}`).setAttribute('aria-pressed', String(tab === name));
    if (name === 'history') void searchHistory();
    if (name === 'figures' && window.BacklineFigures) void window.BacklineFigures.show();
  }

  // ---------- presence, team, canned replies ----------

  async function loadTeam() {
    const result = await api('/team');
    if (!result.ok) return;
    state.team = result.body.team;
    const me = state.team.find((m) => state.agent && m.id === state.agent.id);
    if (me) $('presence').value = me.status;
    renderTransferChoices();
  }

  function renderTransferChoices() {
    const select = $('transfer-to');
    const current = select.value;
    select.replaceChildren();
    for (const member of state.team) {
      if (state.agent && member.id === state.agent.id) continue;
      const option = el('option', `${member.name}${member.status === 'away' ? ' (away)' : ''}`);
      option.value = member.id;
      select.append(option);
    }
    if (current) select.value = current;
    if (select.options.length === 0) {
      const none = el('option', 'No one else is online');
      none.value = '';
      select.append(none);
    }
  }

  async function setPresence() {
    const status = $('presence').value;
    const result = await api('/presence', { method: 'POST', body: { status } });
    setStatus(
      result.ok
        ? status === 'away'
          ? 'You are away: new chats are not routed to you.'
          : 'You are available for chats.'
        : result.body.message || 'Could not change your status.',
      !result.ok,
    );
  }

  async function loadCanned() {
    const result = await api('/canned');
    if (!result.ok) return;
    state.canned = result.body.replies;
    const select = $('canned');
    select.replaceChildren(select.options[0] || el('option', 'Choose one to fill in the message…'));
    select.options[0].value = '';
    for (const reply of state.canned) {
      const option = el('option', reply.label);
      option.value = reply.id;
      select.append(option);
    }
  }

  // ---------- alerts for new cases ----------

  function isUrgent(item) {
    const tone = item.level && LEVELS[item.level] ? LEVELS[item.level].tone : '';
    return tone === 'urgent' || item.redFlags.length > 0 || item.crisis === true || item.level === 'crisis';
  }

  function alertNewCases(cases) {
    const ids = new Set(cases.map((c) => c.id));
    if (state.known === null) {
      state.known = ids;
      return;
    }
    const fresh = cases.filter((c) => c.status === 'waiting' && !state.known.has(c.id));
    for (const id of ids) state.known.add(id);
    if (fresh.length === 0 || !window.BacklineAlerts) return;
    const crisis = fresh.some((c) => c.crisis === true || c.level === 'crisis');
    const urgent = crisis || fresh.some(isUrgent);
    window.BacklineAlerts.beep(crisis ? 'crisis' : urgent ? 'urgent' : 'normal');
    const first = fresh[0];
    const what = `${TYPES[first.type] || first.type}${first.level && LEVELS[first.level] ? ` · ${LEVELS[first.level].label}` : ''}`;
    const title = crisis ? 'Crisis: a new case needs you now' : urgent ? 'Urgent: a new case is waiting' : 'A new case is waiting';
    window.BacklineAlerts.notify(title, fresh.length > 1 ? `${fresh.length} new cases` : what, urgent, () => void openCase(first.id));
  }

  // ---------- live queue (server-sent events) ----------

  function connect() {
    if (state.events) state.events.close();
    const events = new EventSource(API + '/events');
    state.events = events;
    events.addEventListener('open', () => {
      $('connection').textContent = 'Live: the queue updates by itself.';
    });
    events.addEventListener('queue', (message) => {
      state.cases = JSON.parse(message.data).cases;
      alertNewCases(state.cases);
      renderQueue();
      void loadTeam();
    });
    events.addEventListener('changed', () => {
      if (state.selected) void refreshCase();
    });
    events.addEventListener('signed_out', () => showSignIn('Your session has ended. Please sign in again.'));
    events.addEventListener('error', async () => {
      $('connection').textContent = 'Connection lost; reconnecting…';
      // A stream refused with 401 means the session is gone.
      const me = await api('/me');
      if (!me.ok) events.close();
    });
  }

  function levelBadge(level) {
    if (!level) return null;
    const info = LEVELS[level] || { label: level, tone: '' };
    return el('span', info.label, `badge ${info.tone}`);
  }

  function renderQueue() {
    const list = $('queue-list');
    list.replaceChildren();
    const open = state.cases;
    $('queue-count').textContent = `(${open.filter((c) => c.status === 'waiting').length} waiting)`;
    $('queue-empty').hidden = open.length > 0;
    for (const item of open) {
      const li = el('li');
      const button = el('button', undefined, 'queue-item');
      button.type = 'button';
      button.dataset.caseId = item.id;
      const urgent = item.level && LEVELS[item.level] && LEVELS[item.level].tone === 'urgent';
      if (urgent || item.crisis || item.redFlags.length > 0) button.classList.add('urgent');
      if (state.selected === item.id) button.setAttribute('aria-current', 'true');
      const line1 = el('span', `${TYPES[item.type] || item.type} · ${statusOf(item)}${item.agent ? ` (${item.agent.name})` : ''}`, 'line1');
      const badge = levelBadge(item.level);
      if (badge) {
        line1.append(' ');
        line1.append(badge);
      }
      const waited = item.status === 'waiting' ? `waiting ${minutesSince(item.createdAt)}` : `opened ${minutesSince(item.createdAt)} ago`;
      const line2 = el('span', `${REASONS[item.reason] || item.reason} · ${waited} · ${CHANNELS[item.channelId] || item.channelId}`, 'line2');
      button.append(line1, line2);
      if (item.crisis) button.append(el('span', 'In crisis: suicidal thoughts, self-harm or overdose', 'line2'));
      if (item.redFlags.length > 0) button.append(el('span', `Warning signs: ${item.redFlags.map((f) => f.label).join(', ')}`, 'line2'));
      if (item.askedAbout.length > 0) button.append(el('span', `Asked about: ${item.askedAbout.join(', ')}`, 'line2'));
      button.addEventListener('click', () => void openCase(item.id));
      li.append(button);
      list.append(li);
    }
  }

  // ---------- one case ----------

  async function openCase(id) {
    showTab('cases');
    state.selected = id;
    state.cursor = '';
    state.caseKey = '';
    $('case-alert').hidden = true;
    $('transcript').replaceChildren();
    setStatus('');
    renderQueue();
    const result = await api(`/cases/${encodeURIComponent(id)}`);
    if (!result.ok) {
      setStatus(result.body.message || 'Could not open the case.', true);
      return;
    }
    renderCase(result.body, false);
  }

  async function refreshCase() {
    const id = state.selected;
    if (!id) return;
    const after = state.cursor ? `?after=${encodeURIComponent(state.cursor)}` : '';
    // An automatic refresh, not a new look at the case: the server does not audit it again.
    const result = await api(`/cases/${encodeURIComponent(id)}${after}`, { headers: { 'X-Console-Refresh': '1' } });
    if (state.selected !== id) return;
    if (result.status === 404) {
      setStatus("This case no longer exists (it may have been deleted at the person's request).", true);
      $('actions').hidden = true;
      return;
    }
    if (result.ok) renderCase(result.body, true);
  }

  function renderCase(view, incremental) {
    const c = view.case;
    state.view = view;
    $('case-body').hidden = false;
    $('case-title').textContent = `${TYPES[c.type] || c.type}: ${statusOf(c)}`;
    const parts = [REASONS[c.reason] || c.reason, `opened ${minutesSince(c.createdAt)} ago`, CHANNELS[c.channelId] || c.channelId];
    if (c.agent) parts.push(`with ${c.agent.name}`);
    if (c.status === 'waiting' && view.position > 0) parts.push(`number ${view.position} in the queue`);
    $('case-meta').textContent = parts.join(' · ');

    const flags = $('case-flags');
    flags.replaceChildren();
    for (const flag of c.summary.redFlags) flags.append(el('li', flag.label));

    const summary = $('case-summary');
    summary.replaceChildren();
    const row = (term, value) => {
      if (value === undefined || value === null || value === '') return;
      summary.append(el('dt', term));
      const dd = el('dd');
      if (value instanceof Node) dd.append(value);
      else dd.textContent = String(value);
      summary.append(dd);
    };
    row('Triage', c.summary.triage ? c.summary.triage.title : c.level ? (LEVELS[c.level] || {}).label : 'No symptom check');
    if (c.summary.triage && c.summary.triage.reasons.length > 0) {
      const reasons = el('ul');
      for (const reason of c.summary.triage.reasons) reasons.append(el('li', reason));
      row('Why', reasons);
    }
    row('Asked about', c.summary.askedAbout.join(', ') || 'Nothing specific');
    for (const answer of c.summary.answers) {
      const label = ANSWERS[answer.id] || answer.label;
      row(label, VALUES[answer.value] || answer.value);
    }
    if (c.callback) {
      row('Call back on', c.callback.contact);
      row('Good time', c.callback.time);
    }
    if (c.type === 'trial_lead') row('Contact', c.contact);
    if (c.note) row('Closing note', c.note);
    if (c.feedback)
      row(
        'Feedback',
        `${c.feedback.helpful === 'yes' ? 'Helpful' : c.feedback.helpful === 'no' ? 'Not helpful' : ''}${c.feedback.comment ? `: ${c.feedback.comment}` : ''}`,
      );

    const transcript = $('transcript');
    if (!incremental) transcript.replaceChildren();
    let urgentInLiveChat = false;
    for (const item of view.transcript.items) {
      for (const entry of item.entries) {
        const li = el('li', undefined, entry.role + (entry.urgent ? ' urgent' : ''));
        const who = entry.role === 'user' ? 'Person' : entry.role === 'agent' ? entry.agent || 'Team' : 'Backline';
        li.append(el('span', `${who} · ${new Date(item.at).toLocaleTimeString()}`, 'who'));
        // The person's words as plain text; the bot's and the team's markdown as safe DOM.
        if (entry.role === 'user' || !window.BacklineMarkdown) li.append(el('span', entry.text, 'plain'));
        else li.append(window.BacklineMarkdown.render(entry.text));
        transcript.append(li);
        if (entry.role === 'bot' && (entry.urgent || entry.crisis) && c.claimedAt && Date.parse(item.at) >= Date.parse(c.claimedAt)) urgentInLiveChat = true;
      }
    }
    if (urgentInLiveChat) {
      // The bot spoke into a live chat (a warning sign typed to the team member): say so loudly.
      const alert = $('case-alert');
      if (alert.hidden && window.BacklineAlerts) window.BacklineAlerts.beep('urgent');
      alert.textContent = 'Backline gave this person urgent advice during your chat (a warning sign). Read it in the transcript and follow up now.';
      alert.hidden = false;
    }
    if (view.transcript.cursor) state.cursor = view.transcript.cursor;
    if (view.transcript.items.length > 0) transcript.scrollTop = transcript.scrollHeight;

    const mine = c.agent && state.agent && c.agent.id === state.agent.id;
    const open = c.status === 'waiting' || c.status === 'live';
    $('actions').hidden = !open;
    $('claim').hidden = c.status !== 'waiting';
    $('reply-form').hidden = !(c.type === 'chat' && c.status === 'live' && mine);
    $('transfer-form').hidden = !(c.status === 'live' && mine);
    $('close-form').hidden = !(open && (c.status === 'live' ? mine : c.type !== 'chat'));
    showPersonTyping(c.status === 'live' && mine && view.personTypingAt ? Date.parse(view.personTypingAt) : 0);

    // Someone else changed the case (the person left, a colleague took it): the old message goes.
    const key = `${c.id}|${c.status}|${c.agent ? c.agent.id : ''}`;
    if (key !== state.caseKey) {
      state.caseKey = key;
      setStatus(describeCase(c, mine), c.status === 'closed' && c.closedBy === 'user');
    }
  }

  let typingTimer = null;
  /** "The person is typing…" for a few seconds after their last keystroke reached the server. */
  function showPersonTyping(at) {
    const left = at ? 6000 - (Date.now() - at) : 0;
    $('person-typing').hidden = left <= 0;
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = left > 0 ? setTimeout(() => ($('person-typing').hidden = true), left) : null;
  }

  function describeCase(c, mine) {
    if (c.status === 'closed' && c.closedBy === 'user') return 'The person has left the chat.';
    if (c.status === 'cancelled') return 'The person left the queue.';
    if (c.status === 'closed') return 'This case is closed.';
    if (c.status === 'live' && !mine && c.agent) return `${c.agent.name} has this case.`;
    return '';
  }

  function setStatus(text, isError) {
    const status = $('case-status');
    status.textContent = text;
    status.classList.toggle('error', Boolean(isError));
  }

  async function act(path, body, done) {
    const id = state.selected;
    if (!id) return;
    const result = await api(`/cases/${encodeURIComponent(id)}/${path}`, { method: 'POST', body });
    // Refresh first: the case's new state must not wipe the message about what was just done.
    await refreshCase();
    if (!result.ok) {
      setStatus(result.body.message || 'That did not work.', true);
    } else {
      setStatus(
        result.body.delivered === false ? `${done} The person's chat could not be reached; it is saved in the transcript.` : done,
        result.body.delivered === false,
      );
    }
    return result.ok;
  }

  let sending = false;
  async function sendReply() {
    const text = $('reply').value.trim();
    if (!text || sending) return;
    sending = true;
    try {
      if (await act('messages', { text }, 'Sent.')) $('reply').value = '';
    } finally {
      sending = false;
    }
  }

  // ---------- closed-case history ----------

  const OUTCOMES = { closed_by_team: 'Closed by the team', person_left: 'Person left the chat', cancelled: 'Left the queue' };

  let historySearch = 0;
  async function searchHistory() {
    // Only the latest search is shown, whichever answer arrives last.
    const search = ++historySearch;
    const params = new URLSearchParams();
    for (const [name, id] of [
      ['from', 'history-from'],
      ['to', 'history-to'],
      ['type', 'history-type'],
      ['outcome', 'history-outcome'],
    ]) {
      if ($(id).value) params.set(name, $(id).value);
    }
    const result = await api(`/history?${params}`);
    if (search !== historySearch) return;
    const list = $('history-list');
    list.replaceChildren();
    if (!result.ok) {
      $('history-count').textContent = result.body.message || 'Could not load the history.';
      return;
    }
    $('history-count').textContent =
      `${result.body.cases.length} closed case${result.body.cases.length === 1 ? '' : 's'} from ${result.body.from} to ${result.body.to}.`;
    for (const item of result.body.cases) {
      const button = el('button', undefined, 'queue-item');
      button.type = 'button';
      button.dataset.caseId = item.id;
      const line1 = el(
        'span',
        `${TYPES[item.type] || item.type} · ${OUTCOMES[item.outcome] || item.status}${item.agent ? ` (${item.agent.name})` : ''}`,
        'line1',
      );
      const badge = levelBadge(item.level);
      if (badge) line1.append(' ', badge);
      const closed = item.closedAt ? new Date(item.closedAt).toLocaleString() : '';
      button.append(line1, el('span', `${REASONS[item.reason] || item.reason} · closed ${closed}`, 'line2'));
      button.addEventListener('click', () => void openCase(item.id));
      const li = el('li');
      li.append(button);
      list.append(li);
    }
  }

  function init() {
    $('sign-in-form').addEventListener('submit', (event) => void signIn(event));
    $('sign-out').addEventListener('click', () => void signOut());
    $('claim').addEventListener('click', () => void act('claim', {}, 'You have claimed this case.'));
    $('reply-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void sendReply();
    });
    $('reply').addEventListener('keydown', (event) => {
      // Enter sends; Shift+Enter is a new line (and IME composition is left alone).
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void sendReply();
      }
    });
    $('reply').addEventListener('input', () => {
      // At most one typing indicator every 3 seconds.
      if (!state.selected || Date.now() - state.typingSentAt < 3000 || !$('reply').value.trim()) return;
      state.typingSentAt = Date.now();
      void api(`/cases/${encodeURIComponent(state.selected)}/typing`, { method: 'POST' });
    });
    $('canned').addEventListener('change', () => {
      const reply = state.canned.find((r) => r.id === $('canned').value);
      if (reply) {
        $('reply').value = reply.text;
        $('reply').focus();
      }
      $('canned').value = '';
    });
    $('transfer-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const to = $('transfer-to').value;
      if (!to) return;
      const member = state.team.find((m) => m.id === to);
      await act('transfer', { to }, `Transferred to ${member ? member.name : 'your colleague'}.`);
    });
    $('presence').addEventListener('change', () => void setPresence());
    $('enable-alerts').addEventListener('click', async () => {
      const permission = window.BacklineAlerts ? await window.BacklineAlerts.enable() : 'unsupported';
      $('enable-alerts').textContent = permission === 'granted' ? 'Alerts on' : 'Sound only';
    });
    $('tab-cases').addEventListener('click', () => showTab('cases'));
    $('tab-history').addEventListener('click', () => showTab('history'));
    $('tab-figures').addEventListener('click', () => showTab('figures'));
    $('history-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void searchHistory();
    });
    $('close-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      if (await act('close', { note: $('note').value }, 'Case closed.')) $('note').value = '';
    });
    // Wait times move on by themselves.
    setInterval(() => {
      if (state.agent) renderQueue();
    }, 30000);
    window.BacklineConsole = { api };
    void api('/me').then((me) => {
      if (me.ok) startWorkspace(me.body);
      else showSignIn('');
    });
  }

  document.addEventListener('DOMContentLoaded', init);
})();
