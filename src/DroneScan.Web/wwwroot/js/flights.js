// flights.html: the flights with their processing state, polled every 2 s; the selected flight's detail
// (progress, photo counts, the reason for each photo that was skipped or failed, hazard counts).
import { nav, api, el, replace, say, badge, fmtDate, fmtPct, param, setParams, may, ROLES, FINISHED } from './common.js';

const POLL_MS = 2000;
const tbody = document.querySelector('#flights tbody');
let selected = param('flight');
let user = null;
let timer = null;

function row(f) {
  const tr = el('tr', { className: 'clickable', dataset: { id: f.id } },
    el('td', {}, el('a', { href: 'flights.html?flight=' + encodeURIComponent(f.id), className: 'flight-link' }, f.name)),
    el('td', {}, f.site || ''),
    el('td', {}, badge(f.status)),
    el('td', { className: 'num' }, f.photos),
    el('td', { className: 'num' }, f.hazards),
    el('td', {}, fmtDate(f.createdAt)));
  if (f.id === selected) tr.classList.add('selected');
  tr.addEventListener('click', (e) => {
    e.preventDefault();
    select(f.id);
  });
  return tr;
}

function select(id) {
  selected = id;
  setParams({ flight: id });
  for (const tr of tbody.rows) tr.classList.toggle('selected', tr.dataset.id === id);
  refresh();
}

function fact(dl, term, value) {
  dl.append(el('dt', {}, term), el('dd', {}, value));
}

function showDetail(d) {
  document.getElementById('detail').hidden = false;
  document.getElementById('detail-name').textContent = d.name;
  document.getElementById('detail-meta').textContent =
    [d.id, d.site ? 'site ' + d.site : null, 'uploaded ' + fmtDate(d.createdAt) + (d.uploadedBy ? ' by ' + d.uploadedBy : ''), d.model ? 'model ' + d.model : null]
      .filter(Boolean).join(' · ');
  document.getElementById('detail-notes').textContent = d.notes || '';
  const problem = document.getElementById('detail-problem');
  problem.textContent = d.problem || '';
  problem.hidden = !d.problem;
  const bar = document.getElementById('detail-progress');
  bar.value = d.progress;
  const p = d.photos;
  replace(document.getElementById('detail-status'), badge(d.status), ` ${fmtPct(d.progress)} · ${p.done} of ${p.total} photos processed`);

  const facts = replace(document.getElementById('detail-facts'));
  fact(facts, 'Photos', `${p.total} total, ${p.ok} used, ${p.skipped} skipped, ${p.failed} failed`);
  const settings = Object.entries({
    'height above ground': d.settings?.aglM != null ? `${d.settings.aglM} m` : null,
    'ground elevation': d.settings?.groundElevationM != null ? `${d.settings.groundElevationM} m` : null,
    'sensor width': d.settings?.sensorWidthMm != null ? `${d.settings.sensorWidthMm} mm` : null,
    'focal length': d.settings?.focalPx != null ? `${d.settings.focalPx} px` : null,
    'GPS error': d.settings?.gpsSigmaM != null ? `${d.settings.gpsSigmaM} m` : null,
    'score threshold': d.settings?.conf != null ? String(d.settings.conf) : null,
    model: d.settings?.model && d.settings.model !== 'auto' ? d.settings.model : null,
    'terrain (DEM)': d.settings?.demFile ? `${d.settings.demFile}${d.settings.demDatum ? ` (${d.settings.demDatum})` : ''}` : null,
    'altitude datum': d.settings?.altitudeDatum ?? null,
  }).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v}`);
  fact(facts, 'Settings', settings.length ? settings.join(', ') : 'service defaults');
  const h = d.hazards;
  fact(facts, 'Hazard points', `${h.total} total: ${h.candidate} candidate, ${h.confirmed} confirmed, ${h.rejected} rejected, ${h.unsure} unsure`);

  const links = replace(document.getElementById('detail-links'));
  const q = encodeURIComponent(d.id);
  if (d.status === 'done' || d.status === 'done-with-problems') {
    if (may(user, ROLES.analyst) && d.hazards.total > 0) links.append(el('a', { className: 'button primary', href: 'review.html?flight=' + q, id: 'review-link' }, 'Review hazard points'));
    links.append(el('a', { className: 'button', href: 'map.html?flight=' + q }, 'Map'));
    if (may(user, ROLES.planner)) links.append(el('a', { className: 'button', href: 'export.html?flight=' + q }, 'Export'));
  }

  showReprocess(d);

  const problems = Array.isArray(p.problems) ? p.problems : [];
  document.getElementById('problems-block').hidden = problems.length === 0;
  replace(document.querySelector('#problems tbody'),
    problems.map((x) => el('tr', {}, el('td', {}, x.file), el('td', {}, x.code), el('td', { className: x.code ? 'error-text' : '' }, x.reason))));
}

/** Settings fields by form name, as the API names them in a flight's settings. */
const SETTING_KEYS = {
  agl_m: 'aglM', ground_elevation_m: 'groundElevationM', sensor_width_mm: 'sensorWidthMm', focal_px: 'focalPx', gps_sigma_m: 'gpsSigmaM', conf: 'conf', model: 'model',
};
let settingsShownFor = null;
let loadFailed = false;

/** The settings form of a finished flight, for operators; filled once per flight so polling never overwrites typing. */
function showReprocess(d) {
  const block = document.getElementById('reprocess-block');
  block.hidden = !(may(user, ROLES.operator) && FINISHED.includes(d.status));
  if (block.hidden || settingsShownFor === d.id) return;
  settingsShownFor = d.id;
  const form = document.getElementById('reprocess-form');
  for (const [name, key] of Object.entries(SETTING_KEYS)) {
    const value = d.settings?.[key];
    form.elements[name].value = value === null || value === undefined ? '' : String(value);
  }
}

document.getElementById('reprocess-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const json = {};
  for (const name of Object.keys(SETTING_KEYS)) {
    const v = form.elements[name].value.trim();
    if (v) json[name] = v;
  }
  try {
    await api('api/flights/' + encodeURIComponent(selected) + '/reprocess', { method: 'POST', json });
    settingsShownFor = null;
    say('Reprocessing started: every photo is processed again with these settings.', 'ok');
    refresh();
  } catch (err) {
    say('Not reprocessed: ' + err.message, 'error');
  }
});

async function refresh() {
  clearTimeout(timer);
  try {
    const flights = await api('api/flights');
    flights.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    replace(tbody, flights.map(row));
    document.getElementById('empty').hidden = flights.length > 0;
    if (selected && flights.some((f) => f.id === selected)) {
      showDetail(await api('api/flights/' + encodeURIComponent(selected)));
    } else {
      document.getElementById('detail').hidden = true;
    }
    document.getElementById('updated').textContent = '· updated ' + new Date().toLocaleTimeString();
    // Clears only its own error: a reprocess message stays until the user acts again.
    if (loadFailed) say('');
    loadFailed = false;
  } catch (e) {
    if (e.status !== 401) say('Could not load the flights: ' + e.message, 'error');
    loadFailed = true;
  }
  if (!document.hidden) timer = setTimeout(refresh, POLL_MS);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refresh();
});

user = await nav();
refresh();
