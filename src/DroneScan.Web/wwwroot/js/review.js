// review.html: the review queue (hazard points ordered by confidence, filtered by flight, status, class and a
// minimum confidence); a bulk reject of one flight's candidates below that minimum, after a confirm dialog;
// the current point's chips, facts and review history; decisions by button or keyboard, then the next point.
import {
  nav, requireRole, ROLES, api, el, replace, say, badge, fmtDate, fmtConf, fmtDeg, fmtMetres, param, setParams, fillFlights, DEFAULT_CLASSES,
} from './common.js';

const $ = (id) => document.getElementById(id);
const flightSelect = $('flight');
const statusSelect = $('status');
const classSelect = $('class');
const orderSelect = $('order');
const minConf = $('min-conf');

/** Queue of hazard summaries (no observations) and the position in it. */
let queue = [];
let index = 0;
let current = null;
let busy = false;
const knownClasses = new Set(DEFAULT_CLASSES);

const DONE = { confirm: 'Confirmed', reject: 'Rejected', unsure: 'Marked unsure', reclassify: 'Reclassified' };

function chipUrl(flightId, o) {
  const q = new URLSearchParams({
    flight: flightId,
    x1: String(o.x1), y1: String(o.y1), x2: String(o.x2), y2: String(o.y2),
  });
  return 'api/photos/' + encodeURIComponent(o.photoId) + '/chip?' + q.toString();
}

function votesText(votes) {
  return Object.entries(votes || {})
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function fillClassFilter(selected) {
  const values = [...knownClasses].sort();
  replace(classSelect, el('option', { value: '' }, 'any'), values.map((c) => el('option', { value: c }, c)));
  classSelect.value = selected && knownClasses.has(selected) ? selected : '';
}

/** The minimum confidence typed (0–1), or null when empty or out of range. */
function minConfidence() {
  const v = minConf.valueAsNumber;
  return Number.isFinite(v) && v >= 0 && v <= 1 ? v : null;
}

/** The bulk reject needs one flight and a threshold above 0. */
function updateBulkButton() {
  const min = minConfidence();
  const button = $('bulk-reject');
  button.disabled = !flightSelect.value || !min;
  button.textContent = min ? `Reject candidates below ${fmtConf(min)}…` : 'Reject candidates below…';
}

function sortQueue() {
  const dir = orderSelect.value === 'asc' ? 1 : -1;
  queue.sort((a, b) => dir * (a.maxConfidence - b.maxConfidence) || String(a.id).localeCompare(String(b.id)));
}

function showQueue() {
  const tbody = document.querySelector('#queue tbody');
  replace(tbody, queue.map((h, i) => {
    const tr = el('tr', { className: 'clickable' + (i === index ? ' selected' : ''), dataset: { id: h.id } },
      el('td', {}, String(i + 1)), el('td', {}, currentClass(h)), el('td', { className: 'num' }, fmtConf(h.maxConfidence)), el('td', {}, badge(h.status)));
    tr.addEventListener('click', () => go(i));
    return tr;
  }));
  $('queue-pos').textContent = queue.length ? `${index + 1} of ${queue.length}` : '';
}

/** Loads the queue for the filters; keeps or finds the wanted hazard. */
async function loadQueue(wantedId = null) {
  const q = new URLSearchParams();
  if (flightSelect.value) q.set('flight', flightSelect.value);
  if (statusSelect.value) q.set('status', statusSelect.value);
  if (classSelect.value) q.set('class', classSelect.value);
  const min = minConfidence();
  setParams({ flight: flightSelect.value, status: statusSelect.value || 'any', class: classSelect.value, order: orderSelect.value, min: min ? String(min) : null });
  updateBulkButton();
  const all = await api('api/hazards' + (q.toString() ? '?' + q.toString() : ''));
  queue = min ? all.filter((h) => h.maxConfidence >= min) : all;
  for (const h of queue) {
    knownClasses.add(h.className);
    for (const c of Object.keys(h.classVotes || {})) knownClasses.add(c);
  }
  fillClassFilter(classSelect.value);
  sortQueue();
  index = Math.max(0, wantedId ? queue.findIndex((h) => h.id === wantedId) : 0);
  $('empty').hidden = queue.length > 0;
  $('review').hidden = queue.length === 0;
  showQueue();
  if (queue.length) await show();
  else {
    current = null;
    setParams({ hazard: null });
  }
}

async function show() {
  const summary = queue[index];
  showQueue();
  setParams({ hazard: summary.id });
  const [h, history] = await Promise.all([
    api('api/hazards/' + encodeURIComponent(summary.id)),
    api('api/hazards/' + encodeURIComponent(summary.id) + '/reviews'),
  ]);
  if (queue[index]?.id !== h.id) return; // moved on meanwhile
  current = h;
  Object.assign(summary, h, { observations: undefined });
  $('hazard-title').textContent = 'Hazard point ' + h.id;
  replace($('hazard-status'), badge(h.status));

  const chips = (h.observations || []).slice().sort((a, b) => b.confidence - a.confidence).map((o) => {
    const photo = o.fileName || o.photoId;
    const img = el('img', { src: chipUrl(h.flightId, o), alt: `photo ${photo}, ${o.className} ${fmtConf(o.confidence)}`, loading: 'lazy', decoding: 'async' });
    img.addEventListener('error', () => img.replaceWith(el('span', { className: 'error-text' }, 'chip not available')));
    return el('figure', { className: 'chip' }, img,
      el('figcaption', { title: o.photoId }, `${photo} · ${o.className} · ${fmtConf(o.confidence)}`, el('br'),
        `box ${Math.round(o.x1)},${Math.round(o.y1)}–${Math.round(o.x2)},${Math.round(o.y2)} px · σ ${fmtMetres(o.sigmaM)}`));
  });
  replace($('chips'), chips.length ? chips : el('p', { className: 'muted' }, 'No observations.'));

  const facts = replace($('facts'));
  const add = (t, v) => facts.append(el('dt', {}, t), el('dd', {}, v));
  add('Class', currentClass(h) === h.className ? h.className : `${currentClass(h)} (model: ${h.className})`);
  add('Votes', votesText(h.classVotes));
  add('Confidence', `max ${fmtConf(h.maxConfidence)}, mean ${fmtConf(h.meanConfidence)}`);
  add('Observations', String(h.observationCount));
  add('σ', fmtMetres(h.sigmaM));
  add('r90', fmtMetres(h.r90M));
  add('Latitude', fmtDeg(h.lat));
  add('Longitude', fmtDeg(h.lon));
  add('Status', badge(h.status));
  if (h.label) add('Label', h.label);
  if (h.reviewedBy) add('Reviewed', `${h.reviewedBy}, ${fmtDate(h.reviewedAt)}`);
  add('Flight', el('a', { href: 'flights.html?flight=' + encodeURIComponent(h.flightId) }, h.flightId));
  add('Map', el('a', { href: `map.html?flight=${encodeURIComponent(h.flightId)}&hazard=${encodeURIComponent(h.id)}` }, 'show on map'));

  showHistory(history);
}

function showHistory(history) {
  const items = (history || []).slice().sort((a, b) => String(b.at).localeCompare(String(a.at))).map((r) => {
    const li = el('li', { className: 'review-entry' },
      el('strong', {}, r.decision), r.label ? ` → ${r.label}` : '', ' · ', r.reviewer, ' · ', el('span', { className: 'muted' }, fmtDate(r.at)));
    if (r.comment) li.append(el('span', { className: 'comment' }, r.comment));
    return li;
  });
  replace($('history'), items);
  $('no-history').hidden = items.length > 0;
}

async function go(i) {
  if (!queue.length) return;
  const next = Math.max(0, Math.min(queue.length - 1, i));
  if (next === index && current?.id === queue[next].id) {
    if (i >= queue.length) say('End of the queue.', 'info');
    else if (i < 0) say('Start of the queue.', 'info');
    return;
  }
  index = next;
  try {
    await show();
  } catch (e) {
    say('Could not load the point: ' + e.message, 'error');
  }
}

async function decide(decision, label = null) {
  if (!current || busy) return;
  busy = true;
  const id = current.id;
  const comment = $('comment').value.trim();
  try {
    await api('api/hazards/' + encodeURIComponent(id) + '/review', {
      method: 'POST',
      json: { decision, label: label || null, comment: comment || null },
    });
    $('comment').value = '';
    // The queue keeps the point (with its new status) so p goes back to it.
    const summary = await api('api/hazards/' + encodeURIComponent(id));
    const i = queue.findIndex((h) => h.id === id);
    if (i >= 0) Object.assign(queue[i], summary, { observations: undefined });
    const last = index >= queue.length - 1;
    say(`${DONE[decision]} ${id}` + (label ? ` as ${label}` : '') + (last ? '. That was the last point of the queue.' : '.'), 'ok');
    if (last) await show();
    else await go(index + 1);
  } catch (e) {
    say(`Could not save the decision on ${id}: ${e.message}`, 'error');
  } finally {
    busy = false;
  }
}

/** The point's class now: the reviewer's label after a reclassification, else the model's. */
function currentClass(h) {
  return h.finalClass || h.className;
}

function reclassify() {
  if (!current) return;
  const dialog = $('reclassify-dialog');
  const select = $('reclassify-class');
  // The class it has now is no reclassification: the server refuses it, so it is not offered.
  const now = currentClass(current);
  replace(select, [...knownClasses].filter((c) => c !== now).sort().map((c) => el('option', { value: c }, c)));
  $('reclassify-current').textContent = now;
  $('reclassify-other').value = '';
  dialog.returnValue = '';
  dialog.showModal();
  select.focus();
}

// Enter in the class list chooses the class (a select does not submit its form by itself).
$('reclassify-class').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    $('reclassify-dialog').close('ok');
  }
});

$('reclassify-dialog').addEventListener('close', () => {
  const dialog = $('reclassify-dialog');
  if (dialog.returnValue !== 'ok') return;
  const label = $('reclassify-other').value.trim() || $('reclassify-class').value;
  if (label) decide('reclassify', label);
});

/** Counts the flight's candidates below the threshold, then asks before rejecting them. */
async function bulkReject() {
  const below = minConfidence();
  if (!flightSelect.value || !below) return;
  try {
    const candidates = await api('api/hazards?' + new URLSearchParams({ flight: flightSelect.value, status: 'candidate' }).toString());
    const count = candidates.filter((h) => h.maxConfidence < below).length;
    const flightName = flightSelect.selectedOptions[0]?.textContent || flightSelect.value;
    if (count === 0) {
      say(`No candidate point of ${flightName} is below ${fmtConf(below)}.`, 'info');
      return;
    }
    $('bulk-text').textContent = `Reject ${count} candidate point${count === 1 ? '' : 's'} of ${flightName} with confidence below ${fmtConf(below)}?`;
    $('bulk-ok').textContent = `Reject ${count}`;
    $('bulk-comment').value = '';
    const dialog = $('bulk-dialog');
    dialog.returnValue = '';
    dialog.showModal();
    $('bulk-ok').focus();
  } catch (e) {
    say('Could not count the candidates: ' + e.message, 'error');
  }
}

$('bulk-dialog').addEventListener('close', async () => {
  if ($('bulk-dialog').returnValue !== 'ok' || busy) return;
  busy = true;
  const below = minConfidence();
  try {
    const comment = $('bulk-comment').value.trim();
    const result = await api('api/flights/' + encodeURIComponent(flightSelect.value) + '/hazards/bulk-reject', {
      method: 'POST',
      json: { below, comment: comment || null },
    });
    await loadQueue();
    say(`Rejected ${result.rejected} candidate point${result.rejected === 1 ? '' : 's'} below ${fmtConf(below)}.`, 'ok');
  } catch (e) {
    say('Could not reject the candidates: ' + e.message, 'error');
  } finally {
    busy = false;
  }
});

function help() {
  const d = $('help-dialog');
  if (d.open) d.close();
  else d.showModal();
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Escape' && e.target === $('comment')) {
    $('comment').blur();
    return;
  }
  if (typing(e.target) || document.querySelector('dialog[open]')) {
    if (e.key === '?' && $('help-dialog').open) {
      e.preventDefault();
      help();
    }
    return;
  }
  const actions = {
    c: () => decide('confirm'),
    r: () => decide('reject'),
    u: () => decide('unsure'),
    l: reclassify,
    n: () => go(index + 1),
    j: () => go(index + 1),
    p: () => go(index - 1),
    k: () => go(index - 1),
    '?': help,
  };
  // Key caps show letters in upper case, as a keyboard does: either case works.
  const action = actions[e.key.length === 1 ? e.key.toLowerCase() : e.key];
  if (action) {
    e.preventDefault();
    action();
  }
});

for (const button of document.querySelectorAll('#actions button[data-decision]')) {
  button.addEventListener('click', () => (button.dataset.decision === 'reclassify' ? reclassify() : decide(button.dataset.decision)));
}
$('btn-next').addEventListener('click', () => go(index + 1));
$('btn-prev').addEventListener('click', () => go(index - 1));
$('help-button').addEventListener('click', help);
$('bulk-reject').addEventListener('click', bulkReject);
minConf.addEventListener('change', () => {
  minConf.blur();
  loadQueue().catch((e) => say('Could not load the queue: ' + e.message, 'error'));
});
minConf.addEventListener('input', updateBulkButton);
// Enter in the number field submits the filter form (its only text field): apply the filter instead of reloading.
$('filters').addEventListener('submit', (e) => {
  e.preventDefault();
  minConf.blur();
});
for (const s of [flightSelect, statusSelect, classSelect]) {
  s.addEventListener('change', () => {
    s.blur(); // back to the shortcuts
    loadQueue().catch((e) => say('Could not load the queue: ' + e.message, 'error'));
  });
}
orderSelect.addEventListener('change', () => {
  orderSelect.blur();
  const id = queue[index]?.id;
  sortQueue();
  index = Math.max(0, queue.findIndex((h) => h.id === id));
  showQueue();
});

async function start() {
  const user = await nav();
  if (!requireRole(user, ROLES.analyst, 'Reviewing hazard points')) return;
  let flight = param('flight');
  const hazard = param('hazard');
  let status = param('status');
  if (hazard && !flight) {
    // Opened from the map: find the point's flight, show it whatever its status.
    try {
      const h = await api('api/hazards/' + encodeURIComponent(hazard));
      flight = h.flightId;
      status = status || 'any';
    } catch (e) {
      say('Could not open hazard point ' + hazard + ': ' + e.message, 'error');
    }
  }
  await fillFlights(flightSelect, { any: true, selected: flight });
  statusSelect.value = status === 'any' ? '' : status || 'candidate';
  if (param('order') === 'asc') orderSelect.value = 'asc';
  if (param('min')) minConf.value = param('min');
  fillClassFilter(param('class'));
  if (param('class')) {
    knownClasses.add(param('class'));
    fillClassFilter(param('class'));
  }
  await loadQueue(hazard);
  if (hazard && queue.length && queue[index].id !== hazard) say(`Hazard point ${hazard} is not in this queue.`, 'info');
}

start().catch((e) => say('Could not start the review: ' + e.message, 'error'));
