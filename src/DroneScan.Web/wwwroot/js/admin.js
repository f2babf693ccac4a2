// admin.html: users (create with roles, reset password, issue and revoke tokens, disable — each secret shown once),
// flights (delete, refused by the server once reviews exist) and the link to the job dashboard.
import { nav, requireRole, ROLES, api, el, replace, say, badge, fmtDate } from './common.js';

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

/** Runs an action of a row; reports its error and reloads the tables. */
async function act(what, action) {
  try {
    await action();
  } catch (e) {
    say(`${what}: ${e.message}`, 'error');
  }
  await load();
}

function userRow(u) {
  const name = u.name;
  const path = 'api/users/' + encodeURIComponent(name);
  const disabled = !!u.disabledAt;
  const button = (text, handler, cls = '') => {
    const b = el('button', { type: 'button', className: cls, dataset: { action: text } }, text);
    b.disabled = disabled;
    b.addEventListener('click', handler);
    return b;
  };
  const actions = el('td', {}, el('div', { className: 'toolbar' },
    button('Reset password', () => act('Could not reset the password', async () => {
      const r = await api(path + '/password', { method: 'POST' });
      showSecret(`New password of ${name}:`, r.password);
      say(`New password for ${name}: the old one no longer works.`, 'ok');
    })),
    button('New token', () => act('Could not issue a token', async () => {
      const r = await api(path + '/tokens', { method: 'POST' });
      showSecret(`New API token of ${name}:`, r.token);
    })),
    button('Revoke tokens', () => act('Could not revoke the tokens', async () => {
      if (!await confirmAction(`Revoke every API token of ${name}? Scripts using them stop at once.`, 'Revoke')) return;
      const r = await api(path + '/tokens', { method: 'DELETE' });
      say(`Revoked ${r.revoked} token${r.revoked === 1 ? '' : 's'} of ${name}.`, 'ok');
    })),
    button('Disable', () => act('Could not disable the user', async () => {
      if (!await confirmAction(`Disable ${name}? Password, tokens and open sessions stop; the user stays in the audit trail.`, 'Disable')) return;
      await api(path + '/disable', { method: 'POST' });
      say(`${name} is disabled.`, 'ok');
    }), 'reject')));
  return el('tr', { dataset: { user: name } },
    el('td', {}, name), el('td', {}, u.roles.join(', ')), el('td', {}, fmtDate(u.createdAt)),
    el('td', { className: 'state' }, disabled ? `disabled ${fmtDate(u.disabledAt)}` : 'active'), actions);
}

function flightRow(f) {
  const del = el('button', { type: 'button', className: 'reject', dataset: { action: 'Delete' } }, 'Delete');
  del.addEventListener('click', () => act(`Could not delete ${f.name}`, async () => {
    if (!await confirmAction(`Delete flight ${f.name} with its photos and results? This cannot be undone.`, 'Delete')) return;
    await api('api/flights/' + encodeURIComponent(f.id), { method: 'DELETE' });
    say(`Deleted flight ${f.name}.`, 'ok');
  }));
  return el('tr', { dataset: { flight: f.id } },
    el('td', {}, f.name), el('td', {}, badge(f.status)), el('td', {}, f.uploadedBy || ''),
    el('td', { className: 'num' }, String(f.hazards ?? 0)), el('td', {}, del));
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
    say('Choose at least one role.', 'error');
    return;
  }
  try {
    const created = await api('api/users', { method: 'POST', json: { name, roles } });
    showSecret(`Password and API token of ${created.name} (${created.roles.join(', ')}):`, `password: ${created.password}\ntoken:    ${created.token}`);
    say(`Created ${created.name}.`, 'ok');
    $('create-user').reset();
  } catch (err) {
    say('Could not create the user: ' + err.message, 'error');
  }
  await load();
});

async function start() {
  const user = await nav();
  if (!requireRole(user, ROLES.admin, 'Administration')) return;
  await load();
}

start().catch((e) => say('Could not load the administration page: ' + e.message, 'error'));
