// export.html: pick one or several flights (or every flight of a site), a format, a layer and a review status; the
// link downloads the export: one flight from api/flights/{id}/hazards, several in one file from api/exports.
import { nav, requireRole, ROLES, api, el, replace, say, param, setParams, fillFlights, t, statusText } from './common.js';

const $ = (id) => document.getElementById(id);
const link = $('download');
let flights = [];

const READY = ['done', 'done-with-problems'];

function chosenIds() {
  return [...$('flight').selectedOptions].map((o) => o.value);
}

/** The site select: one entry per site name the flights carry (as typed at upload, first spelling kept). */
function fillSites(selected) {
  const seen = new Map();
  for (const f of flights) {
    const site = (f.site || '').trim();
    if (site && !seen.has(site.toLowerCase())) seen.set(site.toLowerCase(), site);
  }
  const keep = $('site').options[0];
  replace($('site'), keep, [...seen.values()].sort((a, b) => a.localeCompare(b)).map((s) => el('option', { value: s }, t('export.siteAll', { site: s }))));
  if (selected && [...seen.values()].includes(selected)) $('site').value = selected;
}

function update() {
  const site = $('site').value;
  $('flight').disabled = Boolean(site);
  const ids = site ? [] : chosenIds();
  const chosen = site
    ? flights.filter((f) => (f.site || '').trim().toLowerCase() === site.toLowerCase())
    : flights.filter((f) => ids.includes(f.id));
  const format = $('format').value;
  const status = $('status').value;
  // GPX holds points only; status filters hazard points only.
  $('layer').disabled = format === 'gpx';
  if (format === 'gpx') $('layer').value = 'points';
  const layer = $('layer').value;
  setParams({ flight: ids.join(','), site, format, layer, status });

  const photos = chosen.reduce((s, f) => s + f.photos, 0);
  const hazards = chosen.reduce((s, f) => s + f.hazards, 0);
  const waiting = chosen.filter((f) => !READY.includes(f.status));
  const counts = chosen.length === 1
    ? t('export.counts', { photos: t('export.photos', { count: photos }), hazards: t('export.hazards', { count: hazards }), status: statusText(chosen[0].status) })
    : t('export.countsSeveral', { flights: t('export.flightCount', { count: chosen.length }), photos: t('export.photos', { count: photos }), hazards: t('export.hazards', { count: hazards }) });
  const ready = chosen.length > 0 && waiting.length === 0;
  const notReady = chosen.length === 1 ? t('export.notReady', { counts }) : t('export.notReadySeveral', { counts, names: waiting.map((f) => f.name).join(', ') });
  $('flight-state').textContent = chosen.length === 0
    ? t('export.chooseFlight')
    : ready ? counts : notReady;
  if (!ready) {
    link.removeAttribute('href');
    link.setAttribute('aria-disabled', 'true');
    $('link-text').textContent = '';
    return;
  }
  const q = new URLSearchParams();
  if (site) q.set('site', site);
  else if (chosen.length > 1) q.set('flights', ids.join(','));
  q.set('format', format);
  q.set('layer', layer);
  if (status) q.set('status', status);
  const href = !site && chosen.length === 1
    ? `api/flights/${encodeURIComponent(chosen[0].id)}/hazards?${q.toString()}`
    : `api/exports?${q.toString()}`;
  link.href = href;
  link.removeAttribute('aria-disabled');
  // The server names the file (flight or site name, date, layer, status): an empty download attribute keeps its name.
  link.download = '';
  $('link-text').textContent = new URL(href, location.href).href;
}

/** Keeps the flights chosen (and the site) across a refresh of the list. */
function refill(list) {
  const ids = chosenIds();
  flights = list;
  for (const o of $('flight').options) o.selected = ids.includes(o.value);
}

const user = await nav();
if (requireRole(user, ROLES.planner)) {
  try {
    const wanted = (param('flight') || '').split(',').filter(Boolean);
    flights = await fillFlights($('flight'), { selected: wanted[0] || null });
    for (const o of $('flight').options) o.selected = wanted.includes(o.value) || (wanted.length === 0 && o.index === 0);
    fillSites(param('site'));
    for (const k of ['format', 'layer', 'status']) {
      const v = param(k);
      if (v !== null && [...$(k).options].some((o) => o.value === v)) $(k).value = v;
    }
    update();
  } catch (e) {
    say(t('common.loadFlightsFailed', { reason: e.message }), 'error');
  }
  for (const k of ['flight', 'site', 'format', 'layer', 'status']) $(k).addEventListener('change', update);
  $('export-form').addEventListener('submit', (e) => e.preventDefault());
  // A flight may finish processing while the page is open.
  setInterval(async () => {
    try {
      refill(await api('api/flights'));
      update();
    } catch {
      /* keep the last list */
    }
  }, 10000);
}
