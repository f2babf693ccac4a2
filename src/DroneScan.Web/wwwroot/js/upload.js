// upload.html: one multipart request (name, site, notes, then the files) sent with XMLHttpRequest so the
// upload progress can be shown; each file's bar follows the bytes sent, files going out in order.
import { nav, requireRole, ROLES, el, replace, say, writeHeaders, toLogin, t, has, fmtNumber, fmtPct, fillModels } from './common.js';

const form = document.getElementById('upload-form');
const input = document.getElementById('photos');
const selection = document.getElementById('selection');
const list = document.getElementById('file-list');
const card = document.getElementById('progress-card');
const totalBar = document.getElementById('total-progress');
const totalText = document.getElementById('total-text');
const submit = document.getElementById('submit');
const cancel = document.getElementById('cancel');
const result = document.getElementById('result');
let request = null;

function size(bytes) {
  if (bytes >= 1 << 30) return t('unit.gib', { value: fmtNumber(bytes / (1 << 30), 2) });
  if (bytes >= 1 << 20) return t('unit.mib', { value: fmtNumber(bytes / (1 << 20), 1) });
  if (bytes >= 1 << 10) return t('unit.kib', { value: fmtNumber(bytes / (1 << 10), 0) });
  return t('unit.bytes', { value: fmtNumber(bytes, 0) });
}

function showSelection() {
  const files = [...input.files];
  if (files.length === 0) {
    selection.textContent = t('upload.noFiles');
    return;
  }
  const total = files.reduce((s, f) => s + f.size, 0);
  const zips = files.filter((f) => /\.zip$/i.test(f.name)).length;
  selection.textContent = zips
    ? t('upload.selectionWithZips', { count: files.length, size: size(total), zips: t('upload.zips', { count: zips }) })
    : t('upload.selection', { count: files.length, size: size(total) });
}

/** One row per file: name, size, bar, percentage. */
function rows(files) {
  return files.map((f) => {
    const bar = el('progress', { max: 1, value: 0 });
    const pct = el('span', { className: 'pct' }, fmtPct(0));
    const li = el('li', { className: 'file' }, el('span', { className: 'name', title: f.name }, f.name), el('span', { className: 'muted' }, size(f.size)), bar, pct);
    return { file: f, li, bar, pct };
  });
}

function update(items, loaded, total) {
  // The multipart body is the files plus a little framing: spread the framing evenly.
  const payload = items.reduce((s, i) => s + i.file.size, 0);
  const scale = total > 0 && payload > 0 ? payload / total : 1;
  let left = loaded * scale;
  for (const i of items) {
    const part = i.file.size === 0 ? (left > 0 ? 1 : 0) : Math.max(0, Math.min(1, left / i.file.size));
    left -= i.file.size;
    i.bar.value = part;
    i.pct.textContent = fmtPct(part);
    i.li.classList.toggle('done', part >= 1);
  }
  const all = total > 0 ? loaded / total : 0;
  totalBar.value = all;
  totalText.textContent = t('upload.sent', { loaded: size(loaded), total: size(total), pct: fmtPct(all) });
}

function finish() {
  request = null;
  submit.disabled = false;
  cancel.hidden = true;
}

function send(event) {
  event.preventDefault();
  const files = [...input.files];
  const name = document.getElementById('name').value.trim();
  if (!name) {
    say(t('upload.needName'), 'error');
    document.getElementById('name').focus();
    return;
  }
  if (files.length === 0) {
    say(t('upload.needPhotos'), 'error');
    input.focus();
    return;
  }
  say('');
  result.hidden = true;
  const body = new FormData();
  body.append('name', name);
  body.append('site', document.getElementById('site').value.trim());
  body.append('notes', document.getElementById('notes').value.trim());
  // Processing settings: empty ones are left out (the service's defaults); the server checks each and names a bad one.
  for (const input of document.querySelectorAll('#settings input[name]:not([type=file]), #settings select[name]')) {
    if (input.value.trim()) body.append(input.name, input.value.trim());
  }
  const dem = document.getElementById('dem').files[0];
  if (dem) body.append('dem', dem, dem.name);
  for (const f of files) body.append('photos', f, f.name);

  const items = rows(files);
  replace(list, items.map((i) => i.li));
  card.hidden = false;
  update(items, 0, files.reduce((s, f) => s + f.size, 0));

  const xhr = new XMLHttpRequest();
  request = xhr;
  xhr.open('POST', 'api/flights');
  xhr.responseType = 'json';
  xhr.setRequestHeader('Accept', 'application/json');
  for (const [k, v] of Object.entries(writeHeaders())) xhr.setRequestHeader(k, v);
  xhr.upload.addEventListener('progress', (e) => {
    if (e.lengthComputable) update(items, e.loaded, e.total);
  });
  xhr.upload.addEventListener('load', () => {
    totalText.textContent = t('upload.checking', { sent: totalText.textContent });
  });
  xhr.addEventListener('load', () => {
    finish();
    const answer = xhr.response || {};
    if (xhr.status === 401) {
      toLogin();
      return;
    }
    if (xhr.status !== 201 && xhr.status !== 200) {
      say(t('upload.refused', { status: String(xhr.status), reason: answer.detail || answer.title || xhr.statusText }), 'error');
      return;
    }
    update(items, 1, 1);
    totalText.textContent = t('upload.done');
    const ignored = Array.isArray(answer.ignored) ? answer.ignored : [];
    document.getElementById('result-text').textContent = ignored.length
      ? t('upload.queuedIgnored', { id: answer.id, count: answer.photos, ignored: t('upload.ignored', { count: ignored.length }) })
      : t('upload.queued', { id: answer.id, count: answer.photos });
    // Each file not used with why, in the page's language by its code (the server's English reason otherwise).
    replace(document.getElementById('ignored'), ignored.map((f) => el('li', {},
      typeof f === 'string' ? f : `${f.file}: ${has('ignored.' + f.code) ? t('ignored.' + f.code) : f.reason}`)));
    const follow = document.getElementById('follow');
    follow.href = 'flights.html?flight=' + encodeURIComponent(answer.id);
    result.hidden = false;
    say(t('upload.complete'), 'ok');
    form.reset();
    document.getElementById('model').value = 'auto';
    showSelection();
  });
  xhr.addEventListener('error', () => {
    finish();
    say(t('upload.networkError'), 'error');
  });
  xhr.addEventListener('abort', () => {
    finish();
    say(t('upload.cancelled'), 'info');
  });
  submit.disabled = true;
  cancel.hidden = false;
  xhr.send(body);
}

const user = await nav();
if (requireRole(user, ROLES.operator)) {
  input.addEventListener('change', showSelection);
  form.addEventListener('submit', send);
  cancel.addEventListener('click', () => request?.abort());
  try {
    await fillModels(document.getElementById('model'));
  } catch (e) {
    if (e.status !== 401) say(t('settings.modelsFailed', { reason: e.message }), 'error');
  }
}
