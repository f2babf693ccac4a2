// flights.html: the flights with their processing state, polled every 2 s; the selected flight's detail
// (progress, photo counts, the reason for each photo that was skipped or failed, hazard counts).
import {
  nav, api, el, replace, say, badge, fmtDate, fmtTime, fmtPct, fmtNumber, param, setParams, may, ROLES, FINISHED, t, fillModels,
} from './common.js';

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
    el('td', { className: 'num' }, fmtNumber(f.photos)),
    el('td', { className: 'num' }, fmtNumber(f.hazards)),
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
  document.getElementById('detail-meta').textContent = [
    d.id,
    d.site ? t('flights.metaSite', { site: d.site }) : null,
    d.uploadedBy ? t('flights.metaUploadedBy', { when: fmtDate(d.createdAt), who: d.uploadedBy }) : t('flights.metaUploaded', { when: fmtDate(d.createdAt) }),
    d.model ? t('flights.metaModel', { model: d.model }) : null,
  ].filter(Boolean).join(' · ');
  document.getElementById('detail-notes').textContent = d.notes || '';
  const problem = document.getElementById('detail-problem');
  problem.textContent = d.problem || '';
  problem.hidden = !d.problem;
  const bar = document.getElementById('detail-progress');
  bar.value = d.progress;
  const p = d.photos;
  replace(document.getElementById('detail-status'), badge(d.status), ' ', t('flights.progress', { pct: fmtPct(d.progress), done: p.done, count: p.total }));

  const facts = replace(document.getElementById('detail-facts'));
  fact(facts, t('flights.photos'), t('flights.photoCounts', { count: p.total, ok: p.ok, skipped: p.skipped, failed: p.failed }));
  // Which model each used photo ran through (automatic choice: by its camera), e.g. "dronescan-rgb 0.3.0: 17 photos".
  const models = Array.isArray(d.models) ? d.models : [];
  if (models.length) {
    fact(facts, t('flights.models'), models.map((m) => t('flights.modelPhotos', { model: m.version ? `${m.name} ${m.version}` : m.name, count: m.photos })).join(', '));
  }
  const s = d.settings || {};
  const settings = [
    s.aglM != null ? t('flights.setAgl', { value: s.aglM }) : null,
    s.groundElevationM != null ? t('flights.setGroundElevation', { value: s.groundElevationM }) : null,
    s.sensorWidthMm != null ? t('flights.setSensorWidth', { value: s.sensorWidthMm }) : null,
    s.focalPx != null ? t('flights.setFocal', { value: s.focalPx }) : null,
    s.gpsSigmaM != null ? t('flights.setGpsSigma', { value: s.gpsSigmaM }) : null,
    s.conf != null ? t('flights.setConf', { value: s.conf }) : null,
    s.model && s.model !== 'auto' ? t('flights.setModel', { value: s.model }) : null,
    s.demFile ? t(s.demDatum ? 'flights.setDemDatum' : 'flights.setDem', { value: s.demFile, datum: s.demDatum || '' }) : null,
    s.altitudeDatum ? t('flights.setAltitudeDatum', { value: s.altitudeDatum }) : null,
  ].filter((v) => v !== null);
  fact(facts, t('flights.settings'), settings.length ? settings.join(', ') : t('flights.defaults'));
  const h = d.hazards;
  fact(facts, t('flights.hazards'), t('flights.hazardCounts', { count: h.total, candidate: h.candidate, confirmed: h.confirmed, rejected: h.rejected, unsure: h.unsure }));

  const links = replace(document.getElementById('detail-links'));
  const q = encodeURIComponent(d.id);
  if (d.status === 'done' || d.status === 'done-with-problems') {
    if (may(user, ROLES.analyst) && d.hazards.total > 0) links.append(el('a', { className: 'button primary', href: 'review.html?flight=' + q, id: 'review-link' }, t('flights.reviewLink')));
    links.append(el('a', { className: 'button', href: 'map.html?flight=' + q }, t('nav.map')));
    if (may(user, ROLES.planner)) links.append(el('a', { className: 'button', href: 'export.html?flight=' + q }, t('nav.export')));
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
    if (name === 'model') continue;
    const value = d.settings?.[key];
    form.elements[name].value = value === null || value === undefined ? '' : String(value);
  }
  fillModels(form.elements.model, d.settings?.model || 'auto').catch((e) => {
    if (e.status !== 401) say(t('settings.modelsFailed', { reason: e.message }), 'error');
  });
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
    say(t('flights.reprocessStarted'), 'ok');
    refresh();
  } catch (err) {
    say(t('flights.reprocessFailed', { reason: err.message }), 'error');
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
    document.getElementById('updated').textContent = t('flights.updated', { time: fmtTime(new Date()) });
    // Clears only its own error: a reprocess message stays until the user acts again.
    if (loadFailed) say('');
    loadFailed = false;
  } catch (e) {
    if (e.status !== 401) say(t('common.loadFlightsFailed', { reason: e.message }), 'error');
    loadFailed = true;
  }
  if (!document.hidden) timer = setTimeout(refresh, POLL_MS);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refresh();
});

user = await nav();
refresh();
