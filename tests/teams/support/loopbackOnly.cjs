// Loopback only, for the Teams tests. Preloaded (node --require) into processes they start (the
// Agents Playground), and required by the test files themselves: any TCP connection to a host
// that is not loopback is refused before DNS is asked, reported on stderr as one line
// "LOOPBACK_GUARD_BLOCKED <host>:<port>" and listed in `blocked`, so the test can fail on it.
// Unix sockets and loopback addresses pass. Installing it twice in one process is harmless.
// With LOOPBACK_GUARD_LISTEN=127.0.0.1 in the environment, servers that name no host (which
// would listen on every interface) listen on that address only.
'use strict';
const net = require('node:net');

const GUARD = Symbol.for('backline.loopbackGuard');
const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']);

function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default is localhost
  const name = String(host).toLowerCase();
  return LOOPBACK_NAMES.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** Where a Socket#connect call goes, from any of its argument shapes. */
function targetOf(args) {
  const first = args[0];
  if (Array.isArray(first)) return targetOf(first); // Node's internal normalized [options, callback]
  if (first && typeof first === 'object') return first.path ? { local: true } : { host: first.host, port: first.port };
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { local: true }; // a socket path
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
}

function install() {
  const blocked = [];
  const originalConnect = net.Socket.prototype.connect;
  const guardedConnect = function guardedConnect(...args) {
    const target = targetOf(args);
    if (target.local || isLoopbackHost(target.host)) return originalConnect.apply(this, args);
    const where = `${String(target.host)}:${String(target.port)}`;
    blocked.push(where);
    process.stderr.write(`LOOPBACK_GUARD_BLOCKED ${where}\n`);
    const error = Object.assign(new Error(`loopback guard: connection to ${String(target.host)} refused`), { code: 'ECONNREFUSED' });
    process.nextTick(() => this.destroy(error));
    return this;
  };
  guardedConnect[GUARD] = blocked;
  net.Socket.prototype.connect = guardedConnect;
}

/** server.listen(...) with the host filled in where the caller gave none. */
function restrictListen(host) {
  const originalListen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listenOnLoopback(...args) {
    const first = args[0];
    if (args.length === 0 || typeof first === 'function') args.unshift(0);
    if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
      if (typeof args[1] !== 'string') args.splice(1, 0, host);
    } else if (
      args[0] &&
      typeof args[0] === 'object' &&
      args[0].path === undefined &&
      args[0].fd === undefined &&
      args[0].handle === undefined &&
      args[0]._handle === undefined &&
      !args[0].host
    ) {
      args[0] = { ...args[0], host };
    }
    return originalListen.apply(this, args);
  };
}

if (!net.Socket.prototype.connect[GUARD]) {
  install();
  if (process.env.LOOPBACK_GUARD_LISTEN) restrictListen(process.env.LOOPBACK_GUARD_LISTEN);
}

module.exports = { blocked: net.Socket.prototype.connect[GUARD], isLoopbackHost };
