/*
 * Backline web chat: the one-line embed for any site.
 *
 *   <script src="https://HOST/widget.js" async></script>
 *
 * Adds a launcher button in the bottom-right corner. It opens a panel holding the chat page
 * (HOST/chat?embed=1) in an iframe, so the conversation stays on HOST: this page's scripts cannot
 * read it and this page's styles cannot break it. The site must be listed in HOST's
 * WIDGET_ALLOWED_ORIGINS, and a site with a Content-Security-Policy must allow HOST in script-src
 * and frame-src. Styles are set through the DOM (no <style> element), which CSP allows.
 */
(function () {
  'use strict';
  if (window.BacklineWidget) return;

  // Filled in by the server from web/widget.yaml.
  var CONFIG = /*@backline-config*/ null;
  if (!CONFIG) CONFIG = { title: 'Backline', launcherLabel: 'Chat with Backline', accent: '#0b6e4f', accentText: '#ffffff' };

  var script = document.currentScript;
  var ORIGIN = new URL(script && script.src ? script.src : '/widget.js', location.href).origin;
  var PANEL_URL = ORIGIN + '/chat?embed=1';
  // Whether the panel was open, so a reload brings it back (the conversation itself is kept by the chat page).
  var OPEN_KEY = 'backline.widget.open';
  var SVG = 'http://www.w3.org/2000/svg';

  var launcher, panel, frame;
  var frameReady = false;
  var focusWhenReady = false;

  function setStyles(element, styles) {
    for (var name in styles) element.style.setProperty(name, styles[name]);
  }

  function icon(kind) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(SVG, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute(
      'd',
      kind === 'close'
        ? 'M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z'
        : 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-4.3 3.4A1 1 0 0 1 3 20.6V6a2 2 0 0 1 1-2zm3 5a1.25 1.25 0 1 0 0 2.5A1.25 1.25 0 0 0 7 9zm5 0a1.25 1.25 0 1 0 0 2.5A1.25 1.25 0 0 0 12 9zm5 0a1.25 1.25 0 1 0 0 2.5A1.25 1.25 0 0 0 17 9z',
    );
    svg.appendChild(path);
    return svg;
  }

  function isOpen() {
    return panel && panel.style.getPropertyValue('display') !== 'none';
  }

  function remember(open) {
    try {
      if (open) sessionStorage.setItem(OPEN_KEY, '1');
      else sessionStorage.removeItem(OPEN_KEY);
    } catch (e) {
      // Storage blocked: the panel just starts closed next time.
    }
  }

  function isSmall() {
    return window.innerWidth < 480;
  }

  /**
   * On a phone the open panel fills the screen and has its own close button in its header: the
   * floating launcher (then a close button) would sit over the message box's send button.
   */
  function placeLauncher() {
    launcher.style.setProperty('display', isOpen() && isSmall() ? 'none' : 'flex');
  }

  function layout() {
    var small = isSmall();
    setStyles(
      panel,
      small
        ? { right: '0', bottom: '0', width: '100vw', height: '100%', 'border-radius': '0' }
        : { right: '20px', bottom: '92px', width: 'min(400px, calc(100vw - 40px))', height: 'min(640px, calc(100vh - 120px))', 'border-radius': '12px' },
    );
  }

  function focusChat() {
    focusWhenReady = false;
    frame.focus();
    frame.contentWindow.postMessage({ type: 'backline:focus' }, ORIGIN);
  }

  function open(moveFocus) {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.title = CONFIG.title + ' chat';
      frame.src = PANEL_URL;
      frame.setAttribute('allow', '');
      setStyles(frame, { border: '0', width: '100%', height: '100%', display: 'block', 'color-scheme': 'normal' });
      frame.addEventListener('load', function () {
        frameReady = true;
        if (focusWhenReady) focusChat();
      });
      panel.appendChild(frame);
    }
    layout();
    panel.style.setProperty('display', 'block');
    launcher.setAttribute('aria-expanded', 'true');
    launcher.replaceChildren(icon('close'));
    placeLauncher();
    remember(true);
    if (moveFocus) {
      if (frameReady) focusChat();
      else focusWhenReady = true;
    }
  }

  function close(returnFocus) {
    panel.style.setProperty('display', 'none');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.replaceChildren(icon('chat'));
    placeLauncher();
    focusWhenReady = false;
    remember(false);
    if (returnFocus) launcher.focus();
  }

  function build() {
    launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.id = 'backline-launcher';
    launcher.setAttribute('aria-label', CONFIG.launcherLabel);
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'backline-panel');
    launcher.appendChild(icon('chat'));
    setStyles(launcher, {
      position: 'fixed',
      right: '20px',
      bottom: '20px',
      width: '60px',
      height: '60px',
      padding: '0',
      margin: '0',
      border: '2px solid ' + CONFIG.accentText,
      'border-radius': '50%',
      background: CONFIG.accent,
      color: CONFIG.accentText,
      cursor: 'pointer',
      display: 'flex',
      'align-items': 'center',
      'justify-content': 'center',
      'box-shadow': '0 4px 14px rgba(0, 0, 0, 0.3)',
      'outline-offset': '3px',
      'z-index': '2147483001',
    });

    panel = document.createElement('div');
    panel.id = 'backline-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', CONFIG.title + ' chat');
    setStyles(panel, {
      display: 'none',
      position: 'fixed',
      overflow: 'hidden',
      background: '#ffffff',
      'box-shadow': '0 8px 30px rgba(0, 0, 0, 0.35)',
      'z-index': '2147483000',
    });

    launcher.addEventListener('click', function () {
      if (isOpen()) close(true);
      else open(true);
    });
    // Escape while focus is on this page (the chat page handles Escape inside the panel).
    document.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' || !isOpen()) return;
      var active = document.activeElement;
      if (active === launcher || panel.contains(active)) close(true);
    });
    window.addEventListener('message', function (event) {
      if (event.origin !== ORIGIN || !frame || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (data && data.type === 'backline:close') close(true);
    });
    window.addEventListener('resize', function () {
      if (isOpen()) layout();
      placeLauncher();
    });

    document.body.appendChild(panel);
    document.body.appendChild(launcher);

    var wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(OPEN_KEY) === '1';
    } catch (e) {
      wasOpen = false;
    }
    // Reopen after a reload without taking focus from the page.
    if (wasOpen) open(false);

    window.BacklineWidget = {
      open: function () {
        open(true);
      },
      close: function () {
        close(false);
      },
    };
  }

  window.BacklineWidget = { pending: true };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', build);
  else build();
})();
