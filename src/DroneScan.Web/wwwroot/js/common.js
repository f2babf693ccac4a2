// Shared helpers of the DroneScan pages: API calls, safe DOM building, the role-aware navigation bar.
// Every text that comes from users or the API is set with textContent (never innerHTML).

/** Roles of the service (an admin may do everything). */
export const ROLES = Object.freeze({ operator: 'operator', analyst: 'analyst', planner: 'planner', admin: 'admin' });

/** What each page needs; null = any signed-in user. */
const PAGES = [
  { href: 'upload.html', text: 'Upload', role: ROLES.operator },
  { href: 'flights.html', text: 'Flights', role: null },
  { href: 'review.html', text: 'Review', role: ROLES.analyst },
  { href: 'map.html', text: 'Map', role: null },
  { href: 'export.html', text: 'Export', role: ROLES.planner },
  { href: 'admin.html', text: 'Admin', role: ROLES.admin },
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
    throw new ApiError(401, 'not signed in');
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

/** A status badge. */
export function badge(status) {
  // 'done-with-problems' reads 'done with problems'; the class keeps the letters only (status-donewithproblems).
  return el('span', { className: 'badge status-' + String(status).replace(/[^a-z]/g, '') }, String(status).replace(/-/g, ' '));
}

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export function fmtPct(x) {
  return (100 * (Number(x) || 0)).toFixed(0) + ' %';
}

export function fmtConf(x) {
  return (Number(x) || 0).toFixed(3);
}

export function fmtDeg(x) {
  return (Number(x) || 0).toFixed(7);
}

export function fmtMetres(x) {
  return (Number(x) || 0).toFixed(2) + ' m';
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
        return { name: body.name ?? null, roles: Array.isArray(body.roles) ? body.roles : null };
      })
      .catch(() => ({ name: null, roles: null }));
  }
  return mePromise;
}

/** Whether the user may do what needs this role (admin may do all; unknown roles → allowed). */
export function may(user, role) {
  if (!role || !user || !user.roles) return true;
  return user.roles.includes(role) || user.roles.includes(ROLES.admin);
}

/** Fills <header id="nav"> with the links the user may use, the user's name and a sign-out button. */
export async function nav() {
  const header = document.getElementById('nav');
  if (!header) return null;
  const user = await me();
  const here = location.pathname.split('/').pop() || 'index.html';
  const links = el('ul', { className: 'nav-links' });
  for (const p of PAGES) {
    if (!may(user, p.role)) continue;
    const a = el('a', { href: p.href }, p.text);
    if (p.href === here) a.setAttribute('aria-current', 'page');
    links.append(el('li', {}, a));
  }
  // Sign-out is a state change too: the form carries the antiforgery token like every other write.
  const signOut = el('form', { method: 'post', action: 'logout', className: 'signout' },
    el('input', { type: 'hidden', name: '__RequestVerificationToken', value: antiforgeryToken() || '' }),
    el('button', { type: 'submit', className: 'link' }, 'Sign out'));
  replace(header,
    el('a', { href: 'flights.html', className: 'brand' }, 'DroneScan'),
    el('nav', { 'aria-label': 'Main' }, links),
    el('span', { className: 'user', id: 'user-name' }, user.name ? user.name : ''),
    signOut);
  return user;
}

/** Guards a page: when the user lacks the role, shows why and returns false. */
export function requireRole(user, role, what) {
  if (may(user, role)) return true;
  const main = document.querySelector('main');
  if (main) {
    replace(main, el('h1', {}, 'Not allowed'), el('p', {}, `${what} needs the ${role} role (or admin).`));
  }
  return false;
}

/** Fills a <select> with the flights (newest first); returns them. */
export async function fillFlights(select, { any = false, selected = null } = {}) {
  const flights = await api('api/flights');
  flights.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  const options = [];
  if (any) options.push(el('option', { value: '' }, 'All flights'));
  for (const f of flights) {
    options.push(el('option', { value: f.id }, `${f.name} (${f.status})`));
  }
  replace(select, options);
  if (selected && flights.some((f) => f.id === selected)) select.value = selected;
  return flights;
}
