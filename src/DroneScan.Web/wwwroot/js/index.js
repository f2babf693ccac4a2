// index.html: the start page: what this user may do.
import { nav, may, ROLES, el, replace, t } from './common.js';

const TASKS = [
  { href: 'upload.html', key: 'index.upload', role: ROLES.operator },
  { href: 'flights.html', key: 'index.flights', role: null },
  { href: 'review.html', key: 'index.review', role: ROLES.analyst },
  { href: 'map.html', key: 'index.map', role: null },
  { href: 'export.html', key: 'index.export', role: ROLES.planner },
  { href: 'admin.html', key: 'index.admin', role: ROLES.admin },
];

const user = await nav();
replace(document.getElementById('start'), TASKS.filter((task) => may(user, task.role)).map((task) =>
  el('li', {}, el('a', { href: task.href }, t(task.key)), ' ', el('span', { className: 'muted' }, t(task.key + 'Why')))));
