// map.html: a Leaflet map of one flight: the flight's photos warped into their footprints (a quick mosaic), an
// optional offline base map the server serves from a local MBTiles file (Ui:BaseMapFile), photo footprints,
// coverage, suggested hazard areas, and the hazard points coloured by review status with their uncertainty: the
// small relative r90 by default, the absolute (GNSS) r90 as an optional layer, so circles do not hide the points.
// A click on a point opens it in review.html. Everything comes from the DroneScan server: the map works offline.
// Online tiles only when a tile URL is given (?tiles=…, saved in this browser, or the server's Ui:TileUrl).
import {
  nav, api, el, say, param, setParams, fillFlights, may, ROLES, STATUS_COLOURS, fmtConf, fmtDeg, fmtMetres, fmtNumber, t, statusText, classText,
} from './common.js';
import { PhotoOverlay } from './photo-overlay.js';


const L = window.L;
const TILE_KEY = 'dronescan.tiles';
const STATUSES = ['candidate', 'confirmed', 'rejected', 'unsure'];
const flightSelect = document.getElementById('flight');
const tilesInput = document.getElementById('tiles');
const statusBoxes = [...document.querySelectorAll('#status-filter input[name=status]')];
const phone = window.matchMedia('(max-width: 600px)').matches;
let user = null;
let hazards = [];
let spreads = new Map();
let photoCount = 0;

const map = L.map('map', { preferCanvas: false, zoomSnap: 0.25, maxZoom: 24, zoomControl: false }).setView([0, 0], 2);
L.control.zoom({ zoomInTitle: t('map.zoomIn'), zoomOutTitle: t('map.zoomOut') }).addTo(map);
L.control.scale({ imperial: false }).addTo(map);
// Panes, bottom to top: base map tiles (200), photos (250), vectors (overlay pane, 400), hazard markers (625). The
// markers get their own pane so footprints, areas and circles (which keep their tooltips) never lie over a marker
// and swallow its click, whatever order the layers load or are switched on in.
map.createPane('photos').style.zIndex = 250;
map.createPane('hazard-points').style.zIndex = 625;
const photoLayer = L.featureGroup().addTo(map);
const coverageLayer = L.featureGroup().addTo(map);
const footprintLayer = L.featureGroup().addTo(map);
const areaLayer = L.featureGroup().addTo(map);
const relativeLayer = L.featureGroup().addTo(map);
const absoluteLayer = L.featureGroup();
const pointLayer = L.featureGroup().addTo(map);
const overlays = {
  [t('map.layerPhotos')]: photoLayer,
  [t('map.layerFootprints')]: footprintLayer,
  [t('map.layerCoverage')]: coverageLayer,
  [t('map.layerAreas')]: areaLayer,
  [t('map.layerRelative')]: relativeLayer,
  [t('map.layerAbsolute')]: absoluteLayer,
  [t('map.layerPoints')]: pointLayer,
};
const layers = L.control.layers(null, overlays, { collapsed: phone }).addTo(map);
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

/** The server's offline base map (GET api/basemap): tiles from the DroneScan server itself, only inside its bounds. */
async function useBaseMap() {
  let info;
  try {
    info = await api('api/basemap');
  } catch {
    return;
  }
  if (!info?.available) return;
  // Shown from two zooms above the file's coarsest level (its tiles shrunk) down to any depth (its finest enlarged).
  // Not further out: Leaflet walks every tile address of the view at the native zoom, and a world view walked at
  // zoom 17 is billions of addresses.
  const options = {
    minZoom: Math.max(0, info.minZoom - 2), maxZoom: 24, minNativeZoom: info.minZoom, maxNativeZoom: info.maxZoom,
    attribution: escapeHtml(info.attribution || info.name || ''), // Leaflet inserts attributions as HTML: keep it text
    className: 'base-map',
  };
  if (Array.isArray(info.bounds) && info.bounds.length === 4) {
    const [w, s, e, n] = info.bounds;
    options.bounds = L.latLngBounds([s, w], [n, e]); // no request outside the file's area
  }
  const base = L.tileLayer(info.tiles, options).addTo(map);
  base.bringToBack();
  layers.addOverlay(base, t('map.layerBaseMap'));
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

/** The coverage union (from the export endpoint: planners only). */
async function loadCoverage(flightId) {
  coverageLayer.clearLayers();
  if (!may(user, ROLES.planner)) return;
  try {
    const fc = await api(`api/flights/${encodeURIComponent(flightId)}/hazards?format=geojson&layer=coverage`);
    L.geoJSON(fc, {
      filter: (f) => f.properties?.kind === 'coverage',
      style: { color: '#3a86ff', weight: 2, fillOpacity: 0.03 },
      onEachFeature: (f, layer) => {
        const p = f.properties || {};
        layer.bindTooltip(tip(t('map.coveredGround'), p.area_m2 != null ? t('map.areaM2', { value: fmtNumber(p.area_m2) }) : null,
          p.photo_count != null ? t('map.coveragePhotos', { count: p.photo_count, gsd: p.max_gsd_m }) : null), { sticky: true });
        coverageLayer.addLayer(layer);
      },
    });
  } catch (e) {
    if (e.status === 409 || /not finished/.test(e.message)) return;
    say(t('map.coverageNotShown', { reason: e.message }), 'error');
  }
}

/** Photos, footprints, suggested areas and the points' relative/absolute errors (GET api/flights/{id}/map). */
async function loadFlightMap(flightId) {
  photoLayer.clearLayers();
  footprintLayer.clearLayers();
  areaLayer.clearLayers();
  const data = await api(`api/flights/${encodeURIComponent(flightId)}/map`);
  spreads = new Map(data.points.map((p) => [p.id, p]));
  photoCount = data.photos.length;
  for (const p of data.photos) {
    const lines = [p.fileName || p.photoId || t('map.photo'), p.gsdM != null ? t('map.gsd', { cm: fmtNumber(100 * p.gsdM, 2) }) : null,
      p.model ? t('map.photoModel', { model: p.model }) : null, p.overlay ? null : t('map.noOverlay')];
    const outline = L.polygon(p.footprint, { color: '#3a86ff', weight: 1, opacity: 0.7, fill: false, dashArray: '4 3', className: 'photo-footprint' });
    outline.bindTooltip(tip(...lines), { sticky: true });
    footprintLayer.addLayer(outline);
    outline.getElement()?.setAttribute('data-photo', p.photoId);
    if (p.overlay && p.corners) {
      const photo = new PhotoOverlay(p.overlay, p.corners, { pane: 'photos', photoId: p.photoId, alt: p.fileName || '' });
      photo.on('error', () => say(t('map.photoNotLoaded', { file: p.fileName || p.photoId }), 'error'));
      photoLayer.addLayer(photo);
    }
  }
  for (const a of data.areas) {
    const area = L.polygon(a.rings, { color: '#d7191c', weight: 1.5, dashArray: '6 4', fillColor: '#d7191c', fillOpacity: 0.05, className: 'suggested-area' });
    area.bindTooltip(tip(t('map.suggestedArea'), t('map.areaM2', { value: fmtNumber(a.areaM2) }), t('map.areaBuffer', { value: fmtNumber(a.bufferM) })), { sticky: true });
    areaLayer.addLayer(area);
  }
}

async function loadPoints(flightId) {
  hazards = await api('api/hazards?flight=' + encodeURIComponent(flightId));
}

/** The statuses ticked in the filter (kept in the address as ?status=a,b when not all). */
function shownStatuses() {
  return new Set(statusBoxes.filter((b) => b.checked).map((b) => b.value));
}

/** Draws the points of the ticked statuses with their circles; returns the marker of focusId when drawn. */
function drawPoints(focusId) {
  relativeLayer.clearLayers();
  absoluteLayer.clearLayers();
  pointLayer.clearLayers();
  const shown = shownStatuses();
  let focus = null;
  let count = 0;
  for (const h of hazards) {
    if (!shown.has(h.status)) continue;
    count++;
    const colour = STATUS_COLOURS[h.status] || '#333';
    const at = [h.lat, h.lon];
    const spread = spreads.get(h.id);
    const relative = spread ? spread.relativeR90M : null;
    if (relative != null) {
      L.circle(at, { radius: Math.max(0.02, relative), color: colour, weight: 1.5, fillOpacity: 0.15, interactive: false, className: 'r90-relative' }).addTo(relativeLayer);
    }
    L.circle(at, { radius: Math.max(0.05, h.r90M || 0), color: colour, weight: 1, dashArray: '5 5', fill: false, interactive: false, className: 'r90-absolute' }).addTo(absoluteLayer);
    const marker = L.circleMarker(at, { radius: 7, color: '#fff', weight: 1.5, fillColor: colour, fillOpacity: 0.95, className: 'hazard-marker status-' + h.status, pane: 'hazard-points' });
    marker.bindTooltip(tip(t('map.pointLine1', { id: h.id, status: statusText(h.status) }), t('map.pointLine2', { cls: classText(h.finalClass || h.className), conf: fmtConf(h.maxConfidence), count: h.observationCount }),
      t('map.pointLine3Split', { lat: fmtDeg(h.lat), lon: fmtDeg(h.lon), rel: relative != null ? fmtMetres(relative) : '–', abs: fmtMetres(h.r90M) })));
    marker.on('click', () => { location.href = reviewUrl(h.id); });
    marker.on('keypress', (e) => { if (e.originalEvent?.key === 'Enter') location.href = reviewUrl(h.id); });
    marker.addTo(pointLayer);
    marker.getElement()?.setAttribute('data-hazard', h.id);
    if (h.id === focusId) focus = marker;
  }
  const placed = photoLayer.getLayers().length;
  const shownText = t('map.shownOfPoints', { shown: count, count: hazards.length });
  document.getElementById('counts').textContent = photoCount
    ? t('map.shownAndPlaced', { shown: shownText, placed: t('map.placedOfPhotos', { placed, count: photoCount }) })
    : shownText;
  return focus;
}

async function load() {
  const flightId = flightSelect.value;
  setParams({ flight: flightId });
  if (!flightId) {
    document.getElementById('counts').textContent = t('flights.none');
    return;
  }
  say('');
  delete document.body.dataset.mapReady;
  try {
    await Promise.all([loadCoverage(flightId), loadFlightMap(flightId), loadPoints(flightId)]);
    const focus = drawPoints(param('hazard'));
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
  document.body.dataset.mapReady = flightId; // layers drawn and the view set: what tests wait for
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
for (const box of statusBoxes) {
  box.addEventListener('change', () => {
    const shown = [...shownStatuses()];
    setParams({ status: shown.length === STATUSES.length ? null : shown.join(',') || 'none' });
    drawPoints(null);
  });
}

/** The server's default tile URL (GET api/settings {tileUrl, tileAttribution}); none when it has no such setting. */
async function serverTiles() {
  try {
    const s = await api('api/settings');
    return { url: s?.tileUrl || '', attribution: s?.tileAttribution || '' };
  } catch {
    return { url: '', attribution: '' };
  }
}

if (param('status')) {
  const wanted = new Set(param('status').split(','));
  for (const box of statusBoxes) box.checked = wanted.has(box.value);
}
user = await nav();
const server = await serverTiles();
attribution = escapeHtml(server.attribution); // Leaflet inserts attributions as HTML: keep it text
const tiles = param('tiles') || localStorage.getItem(TILE_KEY) || server.url;
tilesInput.value = tiles;
useTiles(tiles);
await useBaseMap();
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
