// The console's Figures tab: GET /agent/api/stats (counts only) drawn with Chart.js, which the
// server serves from node_modules (/agent/vendor/chart.umd.min.js): no CDN, allowed by the CSP.
'use strict';

(function () {
  const LEVEL_LABELS = {
    emergency_ambulance: 'Ambulance',
    emergency: 'Emergency department',
    consultation_24: 'Doctor within 24 h',
    consultation: 'Book a doctor',
    self_care: 'Self-care',
  };
  const LEVEL_ORDER = ['emergency_ambulance', 'emergency', 'consultation_24', 'consultation', 'self_care'];
  const COLOURS = ['#0b5cad', '#a40e26', '#bf8700', '#1a7f37', '#8250df', '#57606a'];
  const charts = {};
  const $ = (id) => document.getElementById(id);

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new window.Chart($(id), config);
  }

  function bar(labels, data, label, colour) {
    return {
      type: 'bar',
      data: { labels, datasets: [{ label, data, backgroundColor: colour || COLOURS[0] }] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    };
  }

  function seconds(value) {
    if (value === null || value === undefined) return '—';
    return value < 90 ? `${value} s` : `${Math.round(value / 60)} min`;
  }

  function totals(report) {
    const t = report.totals;
    const list = $('figures-totals');
    list.replaceChildren();
    const rows = [
      ['Conversations', t.conversations],
      ['Red-flag replies', t.redFlagReplies],
      ['Crisis replies', t.crisisReplies],
      ['Hand-offs', t.handoffs],
      ['Call-backs', t.callbacks],
      ['Trial leads', t.trialLeads],
      ['Median wait', seconds(t.waits.medianSeconds)],
      ['90th percentile wait', seconds(t.waits.p90Seconds)],
      ['Messages the bot could not place', `${Math.round(t.fallbackRate * 1000) / 10}% (${t.unplaced} of ${t.messages})`],
    ];
    for (const [term, value] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = String(value);
      list.append(dt, dd);
    }
  }

  async function show() {
    const api = window.BacklineConsole && window.BacklineConsole.api;
    if (!api) return;
    const params = new URLSearchParams();
    if ($('figures-from').value) params.set('from', $('figures-from').value);
    if ($('figures-to').value) params.set('to', $('figures-to').value);
    const result = await api(`/stats?${params}`);
    if (!result.ok) {
      $('figures-status').textContent = result.body.message || 'Could not load the figures.';
      return;
    }
    const report = result.body;
    if (!$('figures-from').value) $('figures-from').value = report.from;
    if (!$('figures-to').value) $('figures-to').value = report.to;
    totals(report);
    if (!window.Chart) {
      $('figures-status').textContent = 'Charts could not load; the totals above are complete.';
      return;
    }
    const t = report.totals;
    draw(
      'chart-days',
      bar(
        report.days.map((d) => d.day.slice(5)),
        report.days.map((d) => d.conversations),
        'Conversations',
      ),
    );
    const levels = LEVEL_ORDER.filter((l) => t.outcomes[l] !== undefined).concat(Object.keys(t.outcomes).filter((l) => !LEVEL_ORDER.includes(l)));
    draw(
      'chart-outcomes',
      bar(
        levels.map((l) => LEVEL_LABELS[l] || l),
        levels.map((l) => t.outcomes[l]),
        'Outcomes',
        COLOURS[1],
      ),
    );
    draw(
      'chart-counts',
      bar(
        ['Red-flag replies', 'Crisis replies', 'Hand-offs', 'Call-backs', 'Trial leads'],
        [t.redFlagReplies, t.crisisReplies, t.handoffs, t.callbacks, t.trialLeads],
        'Count',
        COLOURS[2],
      ),
    );
    draw(
      'chart-dropouts',
      bar(
        t.dropOuts.map((d) => d.node.split('.').pop()),
        t.dropOuts.map((d) => d.count),
        'Stopped here',
        COLOURS[4],
      ),
    );
    $('figures-status').textContent = `Figures from ${report.from} to ${report.to}. Counts only: no messages or personal details.`;
  }

  document.addEventListener('DOMContentLoaded', () => {
    const form = $('figures-form');
    if (form) {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        void show();
      });
    }
  });

  window.BacklineFigures = { show, charts };
})();
