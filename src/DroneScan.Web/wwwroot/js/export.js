// export.html: pick a flight, a format, a layer and a review status; the link downloads the export.
import { nav, requireRole, ROLES, api, say, param, setParams, fillFlights, t, statusText } from './common.js';

const $ = (id) => document.getElementById(id);
const link = $('download');
let flights = [];

function update() {
  const id = $('flight').value;
  const format = $('format').value;
  const layer = $('layer').value;
  const status = $('status').value;
  // GPX holds points only; status filters hazard points only.
  $('layer').disabled = format === 'gpx';
  if (format === 'gpx') $('layer').value = 'points';
  const q = new URLSearchParams({ format, layer: $('layer').value });
  if (status) q.set('status', status);
  setParams({ flight: id, format, layer: $('layer').value, status });
  const flight = flights.find((f) => f.id === id);
  const ready = flight && (flight.status === 'done' || flight.status === 'done-with-problems');
  const counts = flight ? t('export.counts', { photos: t('export.photos', { count: flight.photos }), hazards: t('export.hazards', { count: flight.hazards }), status: statusText(flight.status) }) : '';
  $('flight-state').textContent = flight ? (ready ? counts : t('export.notReady', { counts })) : t('flights.none');
  if (!ready) {
    link.removeAttribute('href');
    link.setAttribute('aria-disabled', 'true');
    $('link-text').textContent = '';
    return;
  }
  const href = `api/flights/${encodeURIComponent(id)}/hazards?${q.toString()}`;
  link.href = href;
  link.removeAttribute('aria-disabled');
  // The server names the file (flight name, date, layer, status): an empty download attribute keeps its name.
  link.download = '';
  $('link-text').textContent = new URL(href, location.href).href;
}

const user = await nav();
if (requireRole(user, ROLES.planner)) {
  try {
    flights = await fillFlights($('flight'), { selected: param('flight') });
    for (const k of ['format', 'layer', 'status']) {
      const v = param(k);
      if (v !== null && [...$(k).options].some((o) => o.value === v)) $(k).value = v;
    }
    update();
  } catch (e) {
    say(t('common.loadFlightsFailed', { reason: e.message }), 'error');
  }
  for (const k of ['flight', 'format', 'layer', 'status']) $(k).addEventListener('change', update);
  $('export-form').addEventListener('submit', (e) => e.preventDefault());
  // A flight may finish processing while the page is open.
  setInterval(async () => {
    try {
      flights = await api('api/flights');
      update();
    } catch {
      /* keep the last list */
    }
  }, 10000);
}
