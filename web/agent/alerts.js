// New-case alerts for the console: a desktop notification (when the team member has allowed
// them) and a beep made with Web Audio (no sound files). Urgent and crisis cases sound louder,
// higher and three times; the notification says so and stays until it is dealt with.
'use strict';

(function () {
  let audio = null;

  function audioContext() {
    const Ctor = window.AudioContext || window.webkitAudioContext;
    if (!Ctor) return null;
    if (!audio) audio = new Ctor();
    if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
    return audio;
  }

  const PATTERNS = {
    normal: { tones: [660], volume: 0.15 },
    urgent: { tones: [880, 1175, 1568], volume: 0.5 },
    // A crisis (risk to life) sounds different again: alternating, longer.
    crisis: { tones: [1568, 988, 1568, 988, 1568], volume: 0.6 },
  };

  /** One soft beep; three rising ones for an urgent case; five alternating ones for a crisis. */
  function beep(kind) {
    const ctx = audioContext();
    if (!ctx) return;
    const name = kind === true ? 'urgent' : kind === 'crisis' || kind === 'urgent' ? kind : 'normal';
    const { tones, volume } = PATTERNS[name];
    const urgent = name !== 'normal';
    tones.forEach((frequency, i) => {
      const start = ctx.currentTime + i * 0.22;
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = urgent ? 'square' : 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(volume, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.18);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.2);
    });
  }

  function notify(title, body, urgent, onClick) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const notification = new Notification(title, { body, tag: urgent ? 'backline-urgent' : 'backline-case', requireInteraction: urgent });
      notification.onclick = () => {
        window.focus();
        if (onClick) onClick();
        notification.close();
      };
    } catch (_error) {
      // Some browsers only allow notifications from a service worker: the beep still sounds.
    }
  }

  /** Asks for notification permission and unlocks sound (both need a click). */
  async function enable() {
    audioContext();
    if ('Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
    return 'Notification' in window ? Notification.permission : 'unsupported';
  }

  window.BacklineAlerts = { beep, notify, enable };
})();
