// admin.html: users (create with roles, reset password, issue and revoke tokens, disable — each secret shown once),
// flights (delete, refused by the server once reviews exist) and the link to the job dashboard.
import { nav, requireRole, ROLES, api, el, replace, say, badge, fmtDate, fmtNumber, t, roleText } from './common.js';

const $ = (id) => document.getElementById(id);

/** Shows a password or token once; it lives only in this element until hidden or the page is left. */
function showSecret(what, value) {
  $('secret-what').textContent = what;
  $('secret-value').textContent = value;
  $('secret').hidden = false;
  $('secret-done').focus();
}

$('secret-done').addEventListener('click', () => {
  $('secret-value').textContent = '';
  $('secret-what').textContent = '';
  $('secret').hidden = true;
});

/** Asks in a dialog; resolves true when OK was chosen. */
function confirmAction(text, ok) {
  const dialog = $('confirm-dialog');
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = ok;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

/** Runs an action of a row; reports its error (the catalogue key of what failed, with the reason) and reloads the tables. */
async function act(failed, args, action) {
  try {
    await action();
  } catch (e) {
    say(t(failed, { ...args, reason: e.message }), 'error');
  }
  await load();
}

function userRow(u) {
  const name = u.name;
  const path = 'api/users/' + encodeURIComponent(name);
  const disabled = !!u.disabledAt;
  // data-action names the action in English whatever the page's language (a stable handle for tests and scripts).
  const button = (action, key, handler, cls = '') => {
    const b = el('button', { type: 'button', className: cls, dataset: { action } }, t(key));
    b.disabled = disabled;
    b.addEventListener('click', handler);
    return b;
  };
  const actions = el('td', {}, el('div', { className: 'toolbar' },
    button('Reset password', 'admin.resetPassword', () => act('admin.resetFailed', {}, async () => {
      const r = await api(path + '/password', { method: 'POST' });
      showSecret(t('admin.newPasswordOf', { name }), r.password);
      say(t('admin.newPasswordDone', { name }), 'ok');
    })),
    button('New token', 'admin.newToken', () => act('admin.tokenFailed', {}, async () => {
      const r = await api(path + '/tokens', { method: 'POST' });
      showSecret(t('admin.newTokenOf', { name }), r.token);
    })),
    button('Revoke tokens', 'admin.revokeTokens', () => act('admin.revokeFailed', {}, async () => {
      if (!await confirmAction(t('admin.revokeQuestion', { name }), t('admin.revoke'))) return;
      const r = await api(path + '/tokens', { method: 'DELETE' });
      say(t('admin.revoked', { count: r.revoked, name }), 'ok');
    })),
    button('Disable', 'admin.disable', () => act('admin.disableFailed', {}, async () => {
      if (!await confirmAction(t('admin.disableQuestion', { name }), t('admin.disable'))) return;
      await api(path + '/disable', { method: 'POST' });
      say(t('admin.disabledDone', { name }), 'ok');
    }), 'reject')));
  return el('tr', { dataset: { user: name } },
    el('td', {}, name), el('td', {}, u.roles.map(roleText).join(', ')), el('td', {}, fmtDate(u.createdAt)),
    el('td', { className: 'state' }, disabled ? t('admin.disabledAt', { when: fmtDate(u.disabledAt) }) : t('admin.active')), actions);
}

function flightRow(f) {
  const del = el('button', { type: 'button', className: 'reject', dataset: { action: 'Delete' } }, t('admin.delete'));
  del.addEventListener('click', () => act('admin.deleteFailed', { name: f.name }, async () => {
    if (!await confirmAction(t('admin.deleteQuestion', { name: f.name }), t('admin.delete'))) return;
    await api('api/flights/' + encodeURIComponent(f.id), { method: 'DELETE' });
    say(t('admin.deleted', { name: f.name }), 'ok');
  }));
  return el('tr', { dataset: { flight: f.id } },
    el('td', {}, f.name), el('td', {}, badge(f.status)), el('td', {}, f.uploadedBy || ''),
    el('td', { className: 'num' }, fmtNumber(f.hazards ?? 0)), el('td', {}, del));
}

async function load() {
  const [users, flights] = await Promise.all([api('api/users'), api('api/flights')]);
  replace(document.querySelector('#users tbody'), users.map(userRow));
  flights.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  replace(document.querySelector('#flights tbody'), flights.map(flightRow));
}

$('create-user').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('new-name').value.trim();
  const roles = [...document.querySelectorAll('#new-roles input:checked')].map((i) => i.value);
  if (!roles.length) {
    say(t('admin.needRole'), 'error');
    return;
  }
  try {
    const created = await api('api/users', { method: 'POST', json: { name, roles } });
    showSecret(t('admin.createdSecret', { name: created.name, roles: created.roles.map(roleText).join(', ') }),
      `${t('admin.password')}: ${created.password}\n${t('admin.token')}: ${created.token}`);
    say(t('admin.created', { name: created.name }), 'ok');
    $('create-user').reset();
  } catch (err) {
    say(t('admin.createFailed', { reason: err.message }), 'error');
  }
  await load();
});

async function start() {
  const user = await nav();
  if (!requireRole(user, ROLES.admin)) return;
  await load();
}

start().catch((e) => say(t('admin.loadFailed', { reason: e.message }), 'error'));
