// Shared helpers of the DroneScan pages: the page's language (message catalogue, plurals, numbers and dates), API
// calls, safe DOM building, the role-aware navigation bar with its language switch.
// Every text that comes from users or the API is set with textContent (never innerHTML).

/** The languages of the UI, each named in itself (the order of the switch). */
export const LANGUAGES = Object.freeze([
  { code: 'az', name: 'Azərbaycanca' },
  { code: 'ru', name: 'Русский' },
  { code: 'en', name: 'English' },
]);

/** Roles of the service (an admin may do everything). */
export const ROLES = Object.freeze({ operator: 'operator', analyst: 'analyst', planner: 'planner', admin: 'admin' });

/** What each page needs; null = any signed-in user. */
const PAGES = [
  { href: 'upload.html', key: 'nav.upload', role: ROLES.operator },
  { href: 'flights.html', key: 'nav.flights', role: null },
  { href: 'review.html', key: 'nav.review', role: ROLES.analyst },
  { href: 'map.html', key: 'nav.map', role: null },
  { href: 'export.html', key: 'nav.export', role: ROLES.planner },
  { href: 'admin.html', key: 'nav.admin', role: ROLES.admin },
];

/** Review status colours (map markers, badges). */
export const STATUS_COLOURS = Object.freeze({
  candidate: '#f28c00',
  confirmed: '#d7191c',
  rejected: '#808080',
  unsure: '#7b3294',
});

/** The model's classes, for reclassification when the server does not list them. */
export const DEFAULT_CLASSES = Object.freeze(['ap_mine', 'at_mine', 'uxo']);

/** An API error with the HTTP status and the ProblemDetails text when there is one. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The antiforgery request token, when the server exposes one to scripts (cookie XSRF-TOKEN). */
function antiforgeryToken() {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'XSRF-TOKEN') {
      return decodeURIComponent(v.join('='));
    }
  }
  return null;
}

/** Headers for a state-changing request of a cookie session. */
export function writeHeaders(extra = {}) {
  const headers = { ...extra };
  const token = antiforgeryToken();
  if (token) {
    headers['X-XSRF-TOKEN'] = token;
  }
  return headers;
}

/** Sends the browser to the login page, back here afterwards. */
export function toLogin() {
  const back = location.pathname + location.search;
  location.href = 'login?returnUrl=' + encodeURIComponent(back);
}

async function errorText(response) {
  try {
    const body = await response.json();
    return body.detail || body.title || response.statusText;
  } catch {
    return response.statusText || `HTTP ${response.status}`;
  }
}

/**
 * Calls the API: JSON in and out. 401 → login page. Other errors throw ApiError.
 * @param {string} path relative to the site root, e.g. "api/flights"
 * @param {{method?: string, json?: unknown}} [options]
 */
export async function api(path, options = {}) {
  const method = options.method || 'GET';
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (options.json !== undefined) {
    init.headers = writeHeaders({ ...init.headers, 'Content-Type': 'application/json' });
    init.body = JSON.stringify(options.json);
  } else if (method !== 'GET') {
    init.headers = writeHeaders(init.headers);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    toLogin();
    throw new ApiError(401, t('common.notSignedIn'));
  }
  if (!response.ok) {
    throw new ApiError(response.status, await errorText(response));
  }
  if (response.status === 204) {
    return null;
  }
  return response.json();
}

/** Builds an element: el('td', {className: 'x'}, 'text', child…). Strings become text nodes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node && k !== 'list' && k !== 'form') node[k] = v;
    else node.setAttribute(k, String(v));
  }
  append(node, ...children);
  return node;
}

/** Appends children; strings and numbers as text nodes, null/undefined skipped. */
export function append(node, ...children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Replaces an element's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, ...children);
}

/** Shows a message in the page's status area (role=status / role=alert). */
export function say(text, kind = 'info') {
  const box = document.getElementById('message');
  if (!box) return;
  box.className = 'message ' + kind;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.textContent = text;
  box.hidden = !text;
}

/** Flight states that end processing; a failed flight has nothing to review, map or export. */
export const FINISHED = Object.freeze(['done', 'done-with-problems', 'failed']);

/** A flight's or a point's status in the page's language (status.* in the catalogue; an unknown one as it is). */
export function statusText(status) {
  return has('status.' + status) ? t('status.' + status) : String(status).replace(/-/g, ' ');
}

/** A detection class in the page's language (class.*); a reviewer's own label stays as typed. */
export function classText(name) {
  return has('class.' + name) ? t('class.' + name) : String(name);
}

/** A role in the page's language (role.*). */
export function roleText(role) {
  return has('role.' + role) ? t('role.' + role) : String(role);
}

/** A status badge. */
export function badge(status) {
  // The class keeps the code's letters only ('done-with-problems' → status-donewithproblems).
  return el('span', { className: 'badge status-' + String(status).replace(/[^a-z]/g, '') }, statusText(status));
}

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFormat.format(d);
}

/** A time of day (hours, minutes, seconds) in the page's language. */
export function fmtTime(d) {
  return timeFormat.format(d);
}

/** A number with a fixed count of decimals, in the page's language (decimal comma in az and ru). */
export function fmtNumber(x, digits = 0) {
  return numberFormat(digits).format(Number(x) || 0);
}

export function fmtPct(x) {
  return percentFormat.format(Number(x) || 0);
}

export function fmtConf(x) {
  return fmtNumber(x, 3);
}

/** Degrees of latitude or longitude: always with a decimal point, as GPS receivers and GIS take them when pasted. */
export function fmtDeg(x) {
  return (Number(x) || 0).toFixed(7);
}

export function fmtMetres(x) {
  return t('unit.metres', { value: fmtNumber(x, 2) });
}

/** Query-string parameter of the page. */
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

/** Rewrites the page's query string without reloading (keeps the page bookmarkable). */
export function setParams(values) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
}

let mePromise = null;

/**
 * The signed-in user: {name, roles}. Uses GET api/me; when the server has no such endpoint the roles are
 * unknown (null) and the pages show everything (the API still enforces each role).
 */
export function me() {
  if (!mePromise) {
    mePromise = fetch('api/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(async (r) => {
        if (r.status === 401) {
          toLogin();
          return { name: null, roles: null };
        }
        if (!r.ok) return { name: null, roles: null };
        const body = await r.json();
        return { name: body.name ?? null, roles: Array.isArray(body.roles) ? body.roles : null, language: body.language ?? null };
      })
      .catch(() => ({ name: null, roles: null, language: null }));
  }
  return mePromise;
}

/** Whether the user may do what needs this role (admin may do all; unknown roles → allowed). */
export function may(user, role) {
  if (!role || !user || !user.roles) return true;
  return user.roles.includes(role) || user.roles.includes(ROLES.admin);
}

/** The language switch: the page again with ?lang= (the server remembers the choice in a cookie). */
function languageSwitch() {
  const select = el('select', { id: 'lang-switch', 'aria-label': t('nav.language'), title: t('nav.language') },
    LANGUAGES.map((l) => el('option', { value: l.code, lang: l.code, selected: l.code === lang }, l.name)));
  select.addEventListener('change', () => {
    const q = new URLSearchParams(location.search);
    q.set('lang', select.value);
    location.assign(location.pathname + '?' + q.toString());
  });
  return el('label', { className: 'lang' }, select);
}

/** Fills <header id="nav"> with the links the user may use, the language switch, the user's name and a sign-out button. */
export async function nav() {
  const header = document.getElementById('nav');
  if (!header) return null;
  const user = await me();
  const here = location.pathname.split('/').pop() || 'index.html';
  const links = el('ul', { className: 'nav-links' });
  for (const p of PAGES) {
    if (!may(user, p.role)) continue;
    const a = el('a', { href: p.href }, t(p.key));
    if (p.href === here) a.setAttribute('aria-current', 'page');
    links.append(el('li', {}, a));
  }
  // Sign-out is a state change too: the form carries the antiforgery token like every other write.
  const signOut = el('form', { method: 'post', action: 'logout', className: 'signout' },
    el('input', { type: 'hidden', name: '__RequestVerificationToken', value: antiforgeryToken() || '' }),
    el('button', { type: 'submit', className: 'link', id: 'sign-out' }, t('nav.signOut')));
  replace(header,
    el('a', { href: 'flights.html', className: 'brand' }, 'DroneScan'),
    el('nav', { 'aria-label': t('nav.main') }, links),
    el('span', { className: 'user', id: 'user-name' }, user.name ? user.name : ''),
    languageSwitch(),
    signOut);
  return user;
}

/** Guards a page: when the user lacks the role, shows why and returns false. */
export function requireRole(user, role) {
  if (may(user, role)) return true;
  const main = document.querySelector('main');
  if (main) {
    replace(main, el('h1', {}, t('common.notAllowed')), el('p', {}, t('common.needsRole', { role: roleText(role) })));
  }
  return false;
}

/** Fills a <select> with the flights (newest first); returns them. */
export async function fillFlights(select, { any = false, selected = null } = {}) {
  const flights = await api('api/flights');
  flights.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  const options = [];
  if (any) options.push(el('option', { value: '' }, t('common.allFlights')));
  for (const f of flights) {
    options.push(el('option', { value: f.id }, t('common.flightOption', { name: f.name, status: statusText(f.status) })));
  }
  replace(select, options);
  if (selected && flights.some((f) => f.id === selected)) select.value = selected;
  return flights;
}

/**
 * Fills a flight's model <select> with what the service runs (GET api/models): "auto" (each photo the model of its
 * sensor) and each model by name; keeps `selected` when it is one of them. A model a flight names that the service no
 * longer runs stays offered, so a form shows what the flight has.
 */
export async function fillModels(select, selected = 'auto') {
  const models = await api('api/models');
  const options = [el('option', { value: 'auto' }, t('settings.modelAuto'))];
  for (const m of models) {
    options.push(el('option', { value: m.name }, t('settings.modelFixed', { name: m.name, version: m.version, sensor: t('sensor.' + m.sensor) })));
  }
  if (selected && !options.some((o) => o.value === selected)) options.push(el('option', { value: selected }, selected));
  replace(select, options);
  select.value = selected || 'auto';
  return models;
}

// ---- The page's language ----------------------------------------------------------------------------------------
// One JSON catalogue per language (i18n/en.json, az.json, ru.json: the same keys). A message is a string with
// {name} placeholders, or, where it counts something, an object of plural forms by Intl.PluralRules category
// (en and az: one, other; ru: one, few, many, other) chosen by its {count}. Numbers given as arguments are
// formatted for the language (as many decimals as they have, up to 6; pass fmtNumber(x, n) for a fixed count). Static markup names its texts with data-i18n (text), data-i18n-title,
// data-i18n-placeholder and data-i18n-aria-label; translate() fills them in.

let lang = 'en';
let messages = {};
let fallback = {};
let plurals = new Intl.PluralRules('en');
let dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
let timeFormat = new Intl.DateTimeFormat('en', { timeStyle: 'medium' });
let percentFormat = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 });
let plainFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 6 });
const numberFormats = new Map();

function numberFormat(digits) {
  if (!numberFormats.has(digits)) {
    numberFormats.set(digits, new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return numberFormats.get(digits);
}

/** The page's language code (az, ru or en). */
export function language() {
  return lang;
}

/** Whether the catalogue has this key. */
export function has(key) {
  return key in messages || key in fallback;
}

/**
 * The message of `key` with its {placeholders} filled in from `args` (numbers formatted for the language); a
 * message with plural forms picks the one for `args.count`.
 */
export function t(key, args = {}) {
  let m = key in messages ? messages[key] : fallback[key];
  if (m === undefined) return key;
  if (typeof m === 'object') {
    m = m[plurals.select(Number(args.count))] ?? m.other;
  }
  return m.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in args)) return whole;
    const v = args[name];
    return typeof v === 'number' ? plainFormat.format(v) : String(v);
  });
}

/** Fills in the texts named by data-i18n* attributes under `root`. */
export function translate(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  const attributes = { i18nTitle: 'title', i18nPlaceholder: 'placeholder', i18nAriaLabel: 'aria-label' };
  for (const node of root.querySelectorAll('[data-i18n-title], [data-i18n-placeholder], [data-i18n-aria-label]')) {
    for (const [data, attribute] of Object.entries(attributes)) {
      if (node.dataset[data]) node.setAttribute(attribute, t(node.dataset[data]));
    }
  }
}

async function catalogue(code) {
  const r = await fetch(`i18n/${code}.json`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`i18n/${code}.json: HTTP ${r.status}`);
  return r.json();
}

/** Loads the catalogue of the language the server chose for this request (?lang=, the remembered choice,
 * Accept-Language), sets <html lang> and translates the page's markup. English fills any gap. */
async function startLanguage() {
  const user = await me();
  const wanted = user.language || param('lang') || 'en';
  lang = LANGUAGES.some((l) => l.code === wanted) ? wanted : 'en';
  const [own, english] = await Promise.all([catalogue(lang), lang === 'en' ? null : catalogue('en')]);
  messages = own;
  fallback = english || {};
  plurals = new Intl.PluralRules(lang);
  dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  timeFormat = new Intl.DateTimeFormat(lang, { timeStyle: 'medium' });
  percentFormat = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  plainFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 6 });
  numberFormats.clear();
  document.documentElement.lang = lang;
  translate(document);
}

// Every page module imports this one: its code runs once the page's language is in place.
await startLanguage();
