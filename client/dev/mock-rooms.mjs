// The rooms part of the development stand-in (see mock-server.mjs): rooms,
// history pages, read marks, search, buddies, room.post and presence.set, in
// memory, roughly as api.md says. Not for production, not a reference.
const DOMAIN = 'localhost';
const rooms = new Map(); // name -> {title, topic, visibility, members: Map(user -> role), invited:Set, messages:[]}
const reads = new Map(); // `${room}/${user}` -> index of the last read message + 1
const buddies = new Map(); // user -> Set
const presence = new Map(); // user -> {status, note}
let nextId = 1;

function seed() {
  const add = (name, title, topic, visibility, members) =>
    rooms.set(name, { title, topic, visibility, members: new Map(members), invited: new Set(), messages: [] });
  add('lobby', 'Lobby', 'Say hello', 'public', [['bob', 'owner'], ['alice', 'member'], ['carol', 'member']]);
  add('dev', 'Developers', 'Builds, bugs and coffee', 'public', [['alice', 'owner']]);
  add('garden', 'Garden club', 'Tomatoes', 'public', [['carol', 'owner']]);
  const t0 = Date.now() - 3 * 3600_000;
  for (let i = 0; i < 70; i++) post('lobby', ['bob', 'carol', 'alice'][i % 3], `Lobby message number ${i + 1}${i % 7 === 0 ? ' about coffee' : ''}`, t0 + i * 60_000);
}

function post(room, user, text, time = Date.now()) {
  const m = { id: `m-${String(nextId++).padStart(6, '0')}`, room, from: `sip:${user}@${DOMAIN}`, from_user: user, to_user: null, text, time_ms: time };
  rooms.get(room).messages.push(m);
  return m;
}

const presenceOf = (user, online) => presence.get(user) ?? { status: online(user) ? 'available' : 'offline', note: '' };

function roomObj(name, user) {
  const r = rooms.get(name);
  const role = r.members.get(user) ?? null;
  const read = reads.get(`${name}/${user}`) ?? 0;
  const last = r.messages[r.messages.length - 1];
  return {
    name, title: r.title, topic: r.topic, visibility: r.visibility, uri: `sip:~${name}@${DOMAIN}`, role, joined: role !== null,
    invited: r.invited.has(user), members: r.members.size, unread: role ? Math.max(0, r.messages.length - read) : 0, last_id: last?.id ?? null,
  };
}

function page(list, url) {
  const before = url.searchParams.get('before');
  const limit = Math.min(200, Number(url.searchParams.get('limit') ?? 50));
  const end = before ? list.findIndex((m) => m.id === before) : list.length;
  const stop = end < 0 ? list.length : end;
  const start = Math.max(0, stop - limit);
  return { messages: list.slice(start, stop), more: start > 0 };
}

// Answers a rooms-API request; false when the path is not one of them.
export function roomsApi(ctx, method, url, body, send, fail) {
  const { user, users, online, broadcast } = ctx;
  const p = url.pathname.replace('/api/v1', '');
  let j = {};
  try { j = body ? JSON.parse(body) : {}; } catch { return fail(400, 'bad_request', 'malformed JSON'), true; }
  const toAll = (name, msg) => { for (const u of rooms.get(name)?.members.keys() ?? []) broadcast(u, msg); };
  let m;
  if (p === '/rooms' && method === 'GET') {
    const list = [...rooms.keys()].filter((n) => rooms.get(n).visibility === 'public' || rooms.get(n).members.has(user) || rooms.get(n).invited.has(user));
    return send(200, { rooms: list.sort().map((n) => roomObj(n, user)) }), true;
  }
  if (p === '/rooms' && method === 'POST') {
    const name = String(j.name ?? '').toLowerCase();
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) return fail(400, 'bad_request', 'name: not a room name'), true;
    if (rooms.has(name)) return fail(409, 'conflict', `a room named ${name} exists`), true;
    rooms.set(name, { title: j.title || name, topic: j.topic ?? '', visibility: j.visibility === 'invite' ? 'invite' : 'public', members: new Map([[user, 'owner']]), invited: new Set(), messages: [] });
    return send(201, roomObj(name, user)), true;
  }
  if ((m = /^\/rooms\/([^/]+)(\/[a-z]+)?$/.exec(p))) {
    const name = decodeURIComponent(m[1]).toLowerCase();
    const r = rooms.get(name);
    if (!r) return fail(404, 'not_found', 'no such room'), true;
    const role = r.members.get(user);
    const op = m[2] ?? '';
    if (op === '/join') {
      if (r.visibility === 'invite' && !r.invited.has(user) && !role) return fail(403, 'forbidden', 'invite only'), true;
      r.invited.delete(user);
      if (!role) { r.members.set(user, 'member'); toAll(name, { type: 'room.event', room: name, kind: 'joined', user }); }
      return send(200, roomObj(name, user)), true;
    }
    if (op === '/leave') {
      toAll(name, { type: 'room.event', room: name, kind: 'left', user });
      r.members.delete(user);
      return send(200, roomObj(name, user)), true;
    }
    if (!role) return fail(403, 'not_member', 'not a member'), true;
    if (op === '/members') return send(200, { members: [...r.members].sort().map(([n, rl]) => ({ name: n, display_name: users[n], role: rl, presence: presenceOf(n, online) })) }), true;
    if (op === '/messages') return send(200, page(r.messages, url)), true;
    if (op === '/read') { reads.set(`${name}/${user}`, r.messages.findIndex((x) => x.id === j.last_id) + 1); return send(200, {}), true; }
    if (op === '/invite') { r.invited.add(j.user); broadcast(j.user, { type: 'room.event', room: name, kind: 'invited', user: j.user }); return send(200, {}), true; }
    if (role === 'member') return fail(403, 'forbidden', 'owners and admins only'), true;
    if (method === 'PATCH') {
      if (j.title !== undefined) r.title = j.title;
      if (j.topic !== undefined) r.topic = j.topic;
      if (j.visibility !== undefined) r.visibility = j.visibility;
      toAll(name, { type: 'room.event', room: name, kind: 'updated', user });
      return send(200, roomObj(name, user)), true;
    }
    if (method === 'DELETE') { toAll(name, { type: 'room.event', room: name, kind: 'deleted', user }); rooms.delete(name); return send(200, {}), true; }
  }
  if (p === '/search') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const hits = [...rooms.entries()].filter(([, r]) => r.members.has(user)).flatMap(([, r]) => r.messages).filter((x) => x.text.toLowerCase().includes(q));
    return send(200, { hits: hits.sort((a, b) => b.time_ms - a.time_ms).slice(0, 50) }), true;
  }
  if (p === '/buddies' && method === 'GET') {
    return send(200, { buddies: [...(buddies.get(user) ?? [])].sort().map((n) => ({ name: n, display_name: users[n], role: null, presence: presenceOf(n, online) })) }), true;
  }
  if (p === '/buddies' && method === 'POST') { buddies.set(user, (buddies.get(user) ?? new Set()).add(j.user)); return send(200, {}), true; }
  if ((m = /^\/conversations\/([^/]+)\/messages$/.exec(p))) return send(200, { messages: [], more: false }), true;
  return false;
}

// room.post and presence.set frames; false for other types.
export function roomsFrame(ctx, sock, msg) {
  const { user, broadcast, broadcastAll, online } = ctx;
  if (msg.type === 'presence.set') {
    presence.set(user, { status: msg.status, note: msg.note ?? '' });
    broadcastAll({ type: 'presence', user, online: true, ...presenceOf(user, online) });
    return true;
  }
  if (msg.type !== 'room.post') return false;
  const r = rooms.get(msg.room);
  if (!r || !r.members.has(user)) return sock.sendJson({ type: 'message.status', id: msg.id, status: 'failed', code: r ? 403 : 404, reason: r ? 'Forbidden' : 'Not Found' }), true;
  const m = post(msg.room, user, msg.text);
  for (const u of r.members.keys()) broadcast(u, { type: 'room.message', ...m });
  sock.sendJson({ type: 'message.status', id: msg.id, status: 'delivered', code: 200, reason: 'OK' });
  return true;
}

export function presenceFields(user, online) {
  return presenceOf(user, online);
}

seed();
