'use strict';
// The SyncBoot demo page: renders the sessions and the task list from the server-sent events of
// /api/events and sends the user's actions to the JSON API under /api.

const sessionsEl = document.getElementById('sessions');
const tasksEl = document.getElementById('tasks');

function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  return fetch(path, options).then(async (response) => {
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try { message = (await response.json()).error || message; } catch (ignored) { /* not JSON */ }
      throw new Error(message);
    }
    return response.status === 204 ? null : response.json();
  });
}

function text(value) {
  return value === null || value === undefined ? '\u2013' : String(value);
}

function time(value) {
  return value ? new Date(value).toLocaleTimeString() : 'never';
}

function bar(direction, transfer) {
  const known = transfer && transfer.transferableBytes > 0;
  const percent = known ? Math.floor(transfer.estimate * 100) : null;
  const label = known
    ? percent + ' % (' + transfer.transferredBytes.toLocaleString() + ' of ' + transfer.transferableBytes.toLocaleString() + ' bytes)'
    : 'nothing to transfer yet';
  return '<div class="bar ' + direction + (percent === 100 ? ' done' : '') + '" data-percent="' + (percent === null ? '' : percent)
    + '" data-transferred="' + (transfer ? transfer.transferredBytes : 0) + '">'
    + '<div class="fill" style="width:' + (percent || 0) + '%"></div><span class="pct">' + label + '</span></div>';
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function renderSessions(sessions) {
  for (const s of sessions) {
    let card = document.getElementById('session-' + s.name);
    if (!card) {
      card = document.createElement('div');
      card.className = 'card';
      card.id = 'session-' + s.name;
      card.innerHTML = '<h3><span class="name"></span><span class="partition"></span>'
        + '<span class="badge state"></span><span class="badge connection"></span></h3>'
        + '<dl class="details"></dl>'
        + '<div class="actions">'
        + '<button class="suspend" type="button">Suspend</button>'
        + '<button class="resume" type="button">Resume</button>'
        + '<button class="reconnect" type="button">Reconnect</button></div>';
      for (const action of ['suspend', 'resume', 'reconnect']) {
        card.querySelector('.' + action).addEventListener('click', () =>
          api('POST', '/api/sessions/' + encodeURIComponent(s.name) + '/' + action)
            .then(renderSessions).catch((e) => alert(e.message)));
      }
      sessionsEl.appendChild(card);
    }
    card.querySelector('.name').textContent = s.name;
    card.querySelector('.partition').textContent = 'partition ' + s.partition + ' \u00b7 user ' + s.user;
    const state = card.querySelector('.state');
    state.textContent = s.state;
    state.className = 'badge state ' + s.state;
    const connection = card.querySelector('.connection');
    connection.textContent = s.connectionState;
    connection.className = 'badge connection ' + s.connectionState;
    const error = s.lastError
      ? '<span class="error">' + escapeHtml(s.lastError.code + ' ' + s.lastError.action + ': ' + s.lastError.message)
        + ' (' + time(s.lastError.time) + ')</span>'
      : 'none';
    card.querySelector('.details').innerHTML =
      '<dt>Upload</dt><dd>' + bar('upload', s.upload) + '</dd>'
      + '<dt>Download</dt><dd>' + bar('download', s.download) + '</dd>'
      + '<dt>Pending changes</dt><dd class="pending">' + text(s.pendingChanges) + '</dd>'
      + '<dt>Tasks</dt><dd class="count">' + s.tasks.toLocaleString() + '</dd>'
      + '<dt>Last synced</dt><dd class="synced">' + time(s.lastSyncedAt) + '</dd>'
      + '<dt>Last error</dt><dd class="last-error">' + error + '</dd>';
  }
}

function renderTasks(tasks) {
  document.getElementById('tasks-empty').style.display = tasks.length ? 'none' : '';
  const seen = new Set();
  let previous = null;
  for (const task of tasks) {
    seen.add(task.id);
    let row = document.getElementById('task-' + task.id);
    if (!row) {
      row = document.createElement('li');
      row.id = 'task-' + task.id;
      row.dataset.id = task.id;
      row.innerHTML = '<input type="checkbox" class="done"><input class="title" maxlength="500">'
        + '<button type="button" class="delete" title="Delete">\u2715</button>';
      row.querySelector('.done').addEventListener('change', (e) =>
        api('PATCH', '/api/tasks/' + task.id, { done: e.target.checked }).catch((err) => alert(err.message)));
      const title = row.querySelector('.title');
      title.addEventListener('keydown', (e) => { if (e.key === 'Enter') { title.blur(); } });
      title.addEventListener('change', () =>
        api('PATCH', '/api/tasks/' + task.id, { title: title.value }).catch((err) => alert(err.message)));
      row.querySelector('.delete').addEventListener('click', () =>
        api('DELETE', '/api/tasks/' + task.id).catch((err) => alert(err.message)));
    }
    const title = row.querySelector('.title');
    if (document.activeElement !== title) {
      title.value = task.title;
    }
    row.querySelector('.done').checked = task.done;
    row.classList.toggle('done', task.done);
    const position = previous ? previous.nextSibling : tasksEl.firstChild;
    if (position !== row) {
      tasksEl.insertBefore(row, position);
    }
    previous = row;
  }
  for (const row of Array.from(tasksEl.children)) {
    if (!seen.has(row.dataset.id)) {
      row.remove();
    }
  }
}

document.getElementById('new-task-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('new-task');
  if (!input.value.trim()) {
    return;
  }
  api('POST', '/api/tasks', { title: input.value }).then(() => { input.value = ''; }).catch((err) => alert(err.message));
});

document.getElementById('seed').addEventListener('click', () => {
  const result = document.getElementById('seed-result');
  result.textContent = 'writing\u2026';
  api('POST', '/api/bulk/seed?count=10000')
    .then((r) => { result.textContent = r.seeded.toLocaleString() + ' tasks written locally'; })
    .catch((err) => { result.textContent = err.message; });
});

function connect() {
  const live = document.getElementById('live');
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => { live.textContent = 'live'; live.className = 'live on'; });
  events.addEventListener('error', () => { live.textContent = 'reconnecting to the demo\u2026'; live.className = 'live off'; });
  events.addEventListener('info', (e) => {
    const info = JSON.parse(e.data);
    document.getElementById('instance').textContent =
      'Instance on port ' + info.port + ' \u00b7 ' + info.role + ' \u00b7 syncs via ' + info.serverUrl;
    document.title = 'SyncBoot demo :' + info.port;
  });
  events.addEventListener('sessions', (e) => renderSessions(JSON.parse(e.data)));
  events.addEventListener('tasks', (e) => renderTasks(JSON.parse(e.data)));
}

connect();
