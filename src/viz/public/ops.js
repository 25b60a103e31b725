// Operator buttons of the visualiser: halt, resume, enable and disable (the selected actor,
// its preset, its symbol). Every request carries `Authorization: Bearer <control token>`:
// the page asks for the token once and keeps it in sessionStorage (this tab only); a 401
// asks again. Results are shown in #op-status.
const KEY = 'bybot.controlToken';
const $ = (id) => document.getElementById(id);

function askToken(message) {
  const dialog = $('token-dialog');
  $('token-message').textContent = message || '';
  $('token-input').value = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'save' ? $('token-input').value.trim() : null), { once: true });
  });
}

async function token(message) {
  const known = sessionStorage.getItem(KEY);
  if (known && !message) return known;
  const entered = await askToken(message);
  if (entered) sessionStorage.setItem(KEY, entered);
  return entered;
}

function show(text, ok) {
  const status = $('op-status');
  status.textContent = text;
  status.dataset.ok = String(ok);
}

/** POSTs a control request; asks for the token when there is none or it was refused. */
export async function control(path, body = {}) {
  let message = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const bearer = await token(message);
    if (!bearer) { show('cancelled: no control token', false); return null; }
    const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify(body) });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 401) {
      sessionStorage.removeItem(KEY);
      message = 'The control token was refused. Enter it again.';
      continue;
    }
    const text = answer.message ?? answer.error?.message ?? (response.ok ? 'accepted' : `HTTP ${response.status}`);
    show(`${path}: ${text}`, response.ok);
    return answer;
  }
  show(`${path}: the control token was refused`, false);
  return null;
}

export function wireHeaderButtons() {
  $('op-halt').addEventListener('click', () => {
    $('halt-reason').value = '';
    $('halt-dialog').showModal();
  });
  $('halt-dialog').addEventListener('close', () => {
    if ($('halt-dialog').returnValue !== 'halt') return;
    void control('/control/halt', { reason: $('halt-reason').value.trim() || 'from /viz' });
  });
  $('op-resume').addEventListener('click', () => void control('/control/resume'));
}

/** Buttons for the selected actor: enable or disable it, its preset, its symbol. */
export function actorButtons(container, actor) {
  const box = document.createElement('div');
  box.className = 'ops';
  const add = (label, path, cls) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.className = cls;
    button.dataset.path = path;
    button.addEventListener('click', () => void control(path, {}));
    box.appendChild(button);
  };
  const id = encodeURIComponent(actor.id);
  if (actor.status === 'disabled') add(`Enable ${actor.id}`, `/actors/${id}/enable`, 'enable');
  else add(`Disable ${actor.id}`, `/actors/${id}/disable`, 'disable');
  add(`Enable preset ${actor.strategy}`, `/presets/${encodeURIComponent(actor.strategy)}/enable`, 'enable');
  add(`Disable preset ${actor.strategy}`, `/presets/${encodeURIComponent(actor.strategy)}/disable`, 'disable');
  add(`Enable ${actor.symbol}`, `/symbols/${encodeURIComponent(actor.symbol)}/enable`, 'enable');
  add(`Disable ${actor.symbol}`, `/symbols/${encodeURIComponent(actor.symbol)}/disable`, 'disable');
  container.prepend(box);
}
