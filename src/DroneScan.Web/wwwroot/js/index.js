// index.html: the start page: what this user may do.
import { nav, may, ROLES, el, replace } from './common.js';

const TASKS = [
  { href: 'upload.html', text: 'Upload a flight', why: 'photos or a zip; processing starts at once', role: ROLES.operator },
  { href: 'flights.html', text: 'Flights', why: 'processing progress and photos that could not be used', role: null },
  { href: 'review.html', text: 'Review hazard points', why: 'confirm, reject or reclassify, by keyboard', role: ROLES.analyst },
  { href: 'map.html', text: 'Map', why: 'coverage, hazard points and their uncertainty', role: null },
  { href: 'export.html', text: 'Export', why: 'GeoJSON, KML, GPX, CSV, Shapefile, GeoPackage', role: ROLES.planner },
  { href: 'admin.html', text: 'Administration', why: 'users, roles, passwords and tokens; deleting flights; the job dashboard', role: ROLES.admin },
];

const user = await nav();
replace(document.getElementById('start'), TASKS.filter((t) => may(user, t.role)).map((t) =>
  el('li', {}, el('a', { href: t.href }, t.text), el('span', { className: 'muted' }, ' — ' + t.why))));
