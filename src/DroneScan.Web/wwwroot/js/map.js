// map.html: a Leaflet map of one flight: coverage and photo footprints (coverage layer GeoJSON), hazard points
// coloured by review status with their r90 circles; a click opens the point in review.html.
// No base layer unless a tile URL is given (?tiles=…, saved in this browser, or the server's Ui:TileUrl from
// api/settings): the map works offline.
import {
  nav, api, el, say, param, setParams, fillFlights, may, ROLES, STATUS_COLOURS, fmtConf, fmtDeg, fmtMetres, fmtNumber, t, statusText, classText,
} from './common.js';

const L = window.L;
const TILE_KEY = 'dronescan.tiles';
const flightSelect = document.getElementById('flight');
const tilesInput = document.getElementById('tiles');
let user = null;

const map = L.map('map', { preferCanvas: false, zoomSnap: 0.25, maxZoom: 24, zoomControl: false }).setView([0, 0], 2);
L.control.zoom({ zoomInTitle: t('map.zoomIn'), zoomOutTitle: t('map.zoomOut') }).addTo(map);
L.control.scale({ imperial: false }).addTo(map);
// Hazard markers get their own pane above the overlay pane, so footprints and coverage (which keep their tooltips)
// never lie over a marker and swallow its click, whatever order the layers load or are switched on in.
map.createPane('hazard-points').style.zIndex = 625;
const coverageLayer = L.featureGroup().addTo(map);
const footprintLayer = L.featureGroup().addTo(map);
const r90Layer = L.featureGroup().addTo(map);
const pointLayer = L.featureGroup().addTo(map);
L.control.layers(null, {
  [t('map.layerCoverage')]: coverageLayer,
  [t('map.layerFootprints')]: footprintLayer,
  [t('map.layerR90')]: r90Layer,
  [t('map.layerPoints')]: pointLayer,
}, { collapsed: false }).addTo(map);
let tileLayer = null;
let attribution = '';

function useTiles(url) {
  if (tileLayer) {
    map.removeLayer(tileLayer);
    tileLayer = null;
  }
  if (url) {
    tileLayer = L.tileLayer(url, { maxZoom: 24, maxNativeZoom: 19, attribution });
    tileLayer.addTo(map);
    tileLayer.bringToBack();
  }
}

function escapeHtml(text) {
  const div = document.createElement('div');
  div.textContent = text;
  return div.innerHTML;
}

/** Tooltip content as DOM (Leaflet would treat a string as HTML). */
function tip(...lines) {
  const div = el('div', { className: 'map-tip' });
  lines.filter(Boolean).forEach((line, i) => {
    if (i) div.append(el('br'));
    div.append(document.createTextNode(line));
  });
  return div;
}

function reviewUrl(id) {
  return 'review.html?hazard=' + encodeURIComponent(id);
}

async function loadCoverage(flightId) {
  coverageLayer.clearLayers();
  footprintLayer.clearLayers();
  if (!may(user, ROLES.planner)) return 0; // the coverage layer comes from the export endpoint
  try {
    const fc = await api(`api/flights/${encodeURIComponent(flightId)}/hazards?format=geojson&layer=coverage`);
    let n = 0;
    L.geoJSON(fc, {
      style: (f) => (f.properties?.kind === 'coverage'
        ? { color: '#3a86ff', weight: 2, fillOpacity: 0.12 }
        : { color: '#3a86ff', weight: 1, opacity: 0.6, fillOpacity: 0.03, dashArray: '4 3' }),
      onEachFeature: (f, layer) => {
        const p = f.properties || {};
        if (p.kind === 'coverage') {
          layer.bindTooltip(tip(t('map.coveredGround'), p.area_m2 != null ? t('map.areaM2', { value: fmtNumber(p.area_m2) }) : null,
            p.photo_count != null ? t('map.coveragePhotos', { count: p.photo_count, gsd: p.max_gsd_m }) : null), { sticky: true });
          coverageLayer.addLayer(layer);
        } else {
          layer.bindTooltip(tip(p.file_name || p.photo_id || t('map.photo'), p.gsd_m != null ? t('map.gsd', { cm: fmtNumber(100 * p.gsd_m, 2) }) : null), { sticky: true });
          footprintLayer.addLayer(layer);
          n++;
        }
      },
    });
    return n;
  } catch (e) {
    if (e.status === 409 || /not finished/.test(e.message)) return 0;
    say(t('map.coverageNotShown', { reason: e.message }), 'error');
    return 0;
  }
}

async function loadPoints(flightId, focusId) {
  r90Layer.clearLayers();
  pointLayer.clearLayers();
  const hazards = await api('api/hazards?flight=' + encodeURIComponent(flightId));
  let focus = null;
  for (const h of hazards) {
    const colour = STATUS_COLOURS[h.status] || '#333';
    const at = [h.lat, h.lon];
    L.circle(at, { radius: Math.max(0.05, h.r90M || 0), color: colour, weight: 1, fillOpacity: 0.08, interactive: false }).addTo(r90Layer);
    const marker = L.circleMarker(at, { radius: 7, color: '#fff', weight: 1.5, fillColor: colour, fillOpacity: 0.95, className: 'hazard-marker status-' + h.status, pane: 'hazard-points' });
    marker.bindTooltip(tip(t('map.pointLine1', { id: h.id, status: statusText(h.status) }),
      t('map.pointLine2', { cls: classText(h.finalClass || h.className), conf: fmtConf(h.maxConfidence), count: h.observationCount }),
      t('map.pointLine3', { lat: fmtDeg(h.lat), lon: fmtDeg(h.lon), r90: fmtMetres(h.r90M) })));
    marker.on('click', () => { location.href = reviewUrl(h.id); });
    marker.on('keypress', (e) => { if (e.originalEvent?.key === 'Enter') location.href = reviewUrl(h.id); });
    marker.addTo(pointLayer);
    marker.getElement()?.setAttribute('data-hazard', h.id);
    if (h.id === focusId) focus = marker;
  }
  return { hazards, focus };
}

async function load() {
  const flightId = flightSelect.value;
  setParams({ flight: flightId });
  if (!flightId) {
    document.getElementById('counts').textContent = t('flights.none');
    return;
  }
  say('');
  try {
    const [photos, { hazards, focus }] = await Promise.all([loadCoverage(flightId), loadPoints(flightId, param('hazard'))]);
    const points = t('map.points', { count: hazards.length });
    document.getElementById('counts').textContent = photos ? t('map.pointsAndFootprints', { points, footprints: t('map.footprints', { count: photos }) }) : points;
    const bounds = L.featureGroup([coverageLayer, footprintLayer, pointLayer]).getBounds();
    if (focus) {
      map.setView(focus.getLatLng(), 21);
      focus.openTooltip();
    } else if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 22 });
    } else {
      say(t('map.nothingToShow'), 'info');
    }
  } catch (e) {
    say(t('map.mapDataNotLoaded', { reason: e.message }), 'error');
  }
}

document.getElementById('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  const url = tilesInput.value.trim();
  if (url) localStorage.setItem(TILE_KEY, url);
  else localStorage.removeItem(TILE_KEY);
  useTiles(url);
});
flightSelect.addEventListener('change', () => {
  setParams({ hazard: null });
  load();
});

/** The server's default tile URL (GET api/settings {tileUrl, tileAttribution}); none when it has no such setting. */
async function serverTiles() {
  try {
    const s = await api('api/settings');
    return { url: s?.tileUrl || '', attribution: s?.tileAttribution || '' };
  } catch {
    return { url: '', attribution: '' };
  }
}

user = await nav();
const server = await serverTiles();
attribution = escapeHtml(server.attribution); // Leaflet inserts attributions as HTML: keep it text
const tiles = param('tiles') || localStorage.getItem(TILE_KEY) || server.url;
tilesInput.value = tiles;
useTiles(tiles);
try {
  const flights = await fillFlights(flightSelect, { selected: param('flight') });
  // Without a flight in the address, open the newest one with something to show (hazard points), not an empty map.
  if (!param('flight')) {
    const shown = flights.find((f) => f.hazards > 0);
    if (shown) flightSelect.value = shown.id;
  }
  await load();
} catch (e) {
  say(t('common.loadFlightsFailed', { reason: e.message }), 'error');
}
