// review.html: the review queue (hazard points ordered by confidence, filtered by flight, status, class and a
// minimum confidence; fetched page by page as the analyst moves through it: api/hazards/queue); a bulk reject of one flight's candidates below that minimum, after a confirm dialog;
// the current point's chips (swiped sideways on a phone; a tap opens a larger view of the photo around the box),
// facts and review history; decisions by button (kept in reach at the bottom of a small screen) or keyboard, then
// the next point. Shortcuts go by the key's place (KeyboardEvent.code), so they work on any keyboard layout.
import {
  nav, requireRole, ROLES, api, el, replace, say, badge, fmtDate, fmtConf, fmtDeg, fmtMetres, fmtNumber, param, setParams, fillFlights,
  DEFAULT_CLASSES, t, has, classText,
} from './common.js';

const $ = (id) => document.getElementById(id);
const flightSelect = $('flight');
const statusSelect = $('status');
const classSelect = $('class');
const orderSelect = $('order');
const minConf = $('min-conf');

/** The loaded part of the queue (hazard summaries, no observations, in the server's order) and the position in it;
 * the queue comes in pages (GET api/hazards/queue): `next` is the cursor of the page after the loaded ones (null at
 * the end) and `total` how many points the queue holds. */
let queue = [];
let next = null;
let total = 0;
let index = 0;
/** Points per page; the next page is asked for when the analyst comes within LOOK_AHEAD points of the loaded end. */
const PAGE_SIZE = 200;
const LOOK_AHEAD = 20;
/** How many pages a point opened by its id (from the map) is looked for in. */
const FIND_PAGES = 25;
/** Bumped when the filters reload the queue, so a page asked for before is not added to the new queue. */
let generation = 0;
let current = null;
let busy = false;
const knownClasses = new Set(DEFAULT_CLASSES);

/** What the page says after each decision (catalogue keys). */
const DONE = { confirm: 'review.doneConfirm', reject: 'review.doneReject', unsure: 'review.doneUnsure', reclassify: 'review.doneReclassify' };

/** Pixels of the photo around the box: a chip, and the larger view a tap on it opens. */
const CHIP_PAD = 64;
const LARGE_PAD = 480;

function chipUrl(flightId, o, pad = CHIP_PAD) {
  const q = new URLSearchParams({
    flight: flightId,
    x1: String(o.x1), y1: String(o.y1), x2: String(o.x2), y2: String(o.y2), pad: String(pad),
  });
  return 'api/photos/' + encodeURIComponent(o.photoId) + '/chip?' + q.toString();
}

function votesText(votes) {
  return Object.entries(votes || {})
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${classText(k)} ${fmtNumber(v)}`)
    .join(', ');
}

function fillClassFilter(selected) {
  const values = [...knownClasses].sort();
  replace(classSelect, el('option', { value: '' }, t('common.any')), values.map((c) => el('option', { value: c }, classText(c))));
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
  button.textContent = min ? t('review.bulkButtonMin', { min: fmtConf(min) }) : t('review.bulkButton');
}

/** The queue's filters as the server takes them (flight, status, class, min, order). */
function queueQuery() {
  const q = new URLSearchParams();
  if (flightSelect.value) q.set('flight', flightSelect.value);
  if (statusSelect.value) q.set('status', statusSelect.value);
  if (classSelect.value) q.set('class', classSelect.value);
  const min = minConfidence();
  if (min) q.set('min', String(min));
  q.set('order', orderSelect.value === 'asc' ? 'asc' : 'desc');
  q.set('limit', String(PAGE_SIZE));
  return q;
}

/** Appends the next page of the queue (if there is one); returns whether it added points. */
async function loadMore() {
  if (!next) return false;
  const q = queueQuery();
  q.set('after', next);
  const asked = generation;
  const page = await api('api/hazards/queue?' + q.toString());
  if (asked !== generation) return false;
  addPage(page);
  return page.items.length > 0;
}

function addPage(page) {
  const seen = new Set(queue.map((h) => h.id));
  for (const h of page.items) {
    if (seen.has(h.id)) continue;
    queue.push(h);
    knownClasses.add(h.className);
    for (const c of Object.keys(h.classVotes || {})) knownClasses.add(c);
  }
  next = page.next || null;
  if (page.total != null) total = page.total;
  total = Math.max(total, queue.length);
}

function showQueue() {
  const tbody = document.querySelector('#queue tbody');
  replace(tbody, queue.map((h, i) => {
    const tr = el('tr', { className: 'clickable' + (i === index ? ' selected' : ''), dataset: { id: h.id } },
      el('td', {}, fmtNumber(i + 1)), el('td', {}, classText(currentClass(h))), el('td', { className: 'num' }, fmtConf(h.maxConfidence)), el('td', {}, badge(h.status)));
    tr.addEventListener('click', () => go(i));
    return tr;
  }));
  $('queue-pos').textContent = queue.length ? t('review.position', { n: index + 1, count: total }) : '';
}

/** Loads the queue for the filters; keeps or finds the wanted hazard. */
async function loadQueue(wantedId = null) {
  const min = minConfidence();
  setParams({ flight: flightSelect.value, status: statusSelect.value || 'any', class: classSelect.value, order: orderSelect.value, min: min ? String(min) : null });
  updateBulkButton();
  const mine = ++generation;
  const first = await api('api/hazards/queue?' + queueQuery().toString());
  if (mine !== generation) return; // newer filters meanwhile
  queue = [];
  next = null;
  total = 0;
  addPage(first);
  // A point asked for by its id (from the map, or the current one when the order changes) may lie further down.
  for (let pages = 1; wantedId && next && pages < FIND_PAGES && !queue.some((h) => h.id === wantedId); pages++) {
    await loadMore();
  }
  fillClassFilter(classSelect.value);
  index = Math.max(0, wantedId ? queue.findIndex((h) => h.id === wantedId) : 0);
  $('empty').hidden = queue.length > 0;
  $('review').hidden = queue.length === 0;
  showQueue();
  if (next && index >= queue.length - LOOK_AHEAD) moreQueue();
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
  $('hazard-title').textContent = t('review.hazardTitle', { id: h.id });
  replace($('hazard-status'), badge(h.status));

  const chips = (h.observations || []).slice().sort((a, b) => b.confidence - a.confidence).map((o) => {
    const photo = o.fileName || o.photoId;
    const what = t('review.chipAlt', { photo, cls: classText(o.className), conf: fmtConf(o.confidence) });
    const img = el('img', { src: chipUrl(h.flightId, o), alt: what, loading: 'lazy', decoding: 'async' });
    img.addEventListener('error', () => img.replaceWith(el('span', { className: 'error-text' }, t('review.chipMissing'))));
    const box = t('review.box', {
      x1: Math.round(o.x1), y1: Math.round(o.y1), x2: Math.round(o.x2), y2: Math.round(o.y2), sigma: fmtMetres(o.sigmaM),
    });
    // A button, so a tap or Enter opens the larger view; the image inside keeps its alt text.
    const open = el('button', { type: 'button', className: 'chip-open', title: t('review.chipOpen'), 'aria-label': t('review.chipOpen') + ': ' + what }, img);
    open.addEventListener('click', () => showLarge(h.flightId, o, what, box));
    return el('figure', { className: 'chip' }, open,
      el('figcaption', { title: o.photoId }, `${photo} · ${classText(o.className)} · ${fmtConf(o.confidence)}`, el('br'), box));
  });
  replace($('chips'), chips.length ? chips : el('p', { className: 'muted' }, t('review.noObservations')));

  const facts = replace($('facts'));
  const add = (term, v) => facts.append(el('dt', {}, term), el('dd', {}, v));
  add(t('review.class'), currentClass(h) === h.className
    ? classText(h.className)
    : t('review.classChanged', { now: classText(currentClass(h)), model: classText(h.className) }));
  add(t('review.votes'), votesText(h.classVotes));
  add(t('review.confidence'), t('review.confidenceValue', { max: fmtConf(h.maxConfidence), mean: fmtConf(h.meanConfidence) }));
  add(t('review.observations'), fmtNumber(h.observationCount));
  add('σ', fmtMetres(h.sigmaM));
  add('r90', fmtMetres(h.r90M));
  add(t('review.latitude'), fmtDeg(h.lat));
  add(t('review.longitude'), fmtDeg(h.lon));
  add(t('review.status'), badge(h.status));
  if (h.label) add(t('review.label'), classText(h.label));
  if (h.reviewedBy) add(t('review.reviewed'), t('review.reviewedValue', { who: h.reviewedBy, when: fmtDate(h.reviewedAt) }));
  add(t('review.flight'), el('a', { href: 'flights.html?flight=' + encodeURIComponent(h.flightId) }, h.flightId));
  add(t('nav.map'), el('a', { href: `map.html?flight=${encodeURIComponent(h.flightId)}&hazard=${encodeURIComponent(h.id)}` }, t('review.showOnMap')));

  showHistory(history);
}

function showHistory(history) {
  const items = (history || []).slice().sort((a, b) => String(b.at).localeCompare(String(a.at))).map((r) => {
    const li = el('li', { className: 'review-entry' },
      el('strong', {}, has('decision.' + r.decision) ? t('decision.' + r.decision) : r.decision), r.label ? ` → ${classText(r.label)}` : '', ' · ', r.reviewer, ' · ',
      el('span', { className: 'muted' }, fmtDate(r.at)));
    if (r.comment) li.append(el('span', { className: 'comment' }, r.comment));
    return li;
  });
  replace($('history'), items);
  $('no-history').hidden = items.length > 0;
}

async function go(i) {
  if (!queue.length) return;
  // Near the loaded end the next page is fetched meanwhile; a step past the end waits for it.
  if (next && i >= queue.length - LOOK_AHEAD) {
    const more = moreQueue();
    if (i >= queue.length) await more;
  }
  const target = Math.max(0, Math.min(queue.length - 1, i));
  if (target === index && current?.id === queue[target].id) {
    if (i >= queue.length) say(t('review.queueEnd'), 'info');
    else if (i < 0) say(t('review.queueStart'), 'info');
    return;
  }
  index = target;
  try {
    await show();
  } catch (e) {
    say(t('review.loadPointFailed', { reason: e.message }), 'error');
  }
}

/** One page fetch at a time (shared by whoever asks meanwhile); the table shows what it added. */
let loadingMore = null;
function moreQueue() {
  loadingMore ??= loadMore()
    .then(() => showQueue())
    .catch((e) => say(t('review.loadQueueFailed', { reason: e.message }), 'error'))
    .finally(() => { loadingMore = null; });
  return loadingMore;
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
    const last = index >= queue.length - 1 && !next;
    const done = t(label ? 'review.doneReclassify' : DONE[decision], { id, label: label ? classText(label) : '' });
    say(last ? t('review.doneLast', { done }) : done, 'ok');
    if (last) await show();
    else await go(index + 1);
  } catch (e) {
    say(t('review.saveFailed', { id, reason: e.message }), 'error');
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
  replace(select, [...knownClasses].filter((c) => c !== now).sort().map((c) => el('option', { value: c }, classText(c))));
  $('reclassify-note').textContent = t('review.reclassifyNote', { now: classText(now) });
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
      say(t('review.bulkNone', { flight: flightName, min: fmtConf(below) }), 'info');
      return;
    }
    $('bulk-text').textContent = t('review.bulkQuestion', { count, flight: flightName, min: fmtConf(below) });
    $('bulk-ok').textContent = t('review.bulkOk', { count });
    $('bulk-comment').value = '';
    const dialog = $('bulk-dialog');
    dialog.returnValue = '';
    dialog.showModal();
    $('bulk-ok').focus();
  } catch (e) {
    say(t('review.bulkCountFailed', { reason: e.message }), 'error');
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
    say(t('review.bulkDone', { count: result.rejected, min: fmtConf(below) }), 'ok');
  } catch (e) {
    say(t('review.bulkFailed', { reason: e.message }), 'error');
  } finally {
    busy = false;
  }
});

/** The larger view of a chip: more of the photo around the box, as large as the screen allows (pinch to zoom). */
function showLarge(flightId, o, what, box) {
  const dialog = $('chip-dialog');
  $('chip-title').textContent = o.fileName || o.photoId;
  $('chip-caption').textContent = `${classText(o.className)} · ${fmtConf(o.confidence)} · ${box}`;
  const img = el('img', { src: chipUrl(flightId, o, LARGE_PAD), alt: what, decoding: 'async' });
  img.addEventListener('error', () => img.replaceWith(el('span', { className: 'error-text' }, t('review.chipMissing'))));
  replace($('chip-large'), img);
  dialog.showModal();
}

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
  // By the key's place, not the letter it types: on a Russian layout the key marked C types "с", on others it may
  // type another letter still; the key caps on the page show the Latin letters of a US layout. "?" is the one
  // shortcut by character (its place differs between layouts).
  const actions = {
    KeyC: () => decide('confirm'),
    KeyR: () => decide('reject'),
    KeyU: () => decide('unsure'),
    KeyL: reclassify,
    KeyN: () => go(index + 1),
    KeyJ: () => go(index + 1),
    KeyP: () => go(index - 1),
    KeyK: () => go(index - 1),
  };
  const action = e.key === '?' ? help : actions[e.code];
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
  loadQueue().catch((e) => say(t('review.loadQueueFailed', { reason: e.message }), 'error'));
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
    loadQueue().catch((e) => say(t('review.loadQueueFailed', { reason: e.message }), 'error'));
  });
}
orderSelect.addEventListener('change', () => {
  orderSelect.blur();
  loadQueue(queue[index]?.id).catch((e) => say(t('review.loadQueueFailed', { reason: e.message }), 'error'));
});

async function start() {
  const user = await nav();
  if (!requireRole(user, ROLES.analyst)) return;
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
      say(t('review.openFailed', { id: hazard, reason: e.message }), 'error');
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
  if (hazard && queue.length && queue[index].id !== hazard) say(t('review.notInQueue', { id: hazard }), 'info');
}

start().catch((e) => say(t('review.startFailed', { reason: e.message }), 'error'));
