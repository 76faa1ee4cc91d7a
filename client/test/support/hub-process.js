// The built hub jar as a real process on a free loopback port, as an operator runs it. The jar is $TEST_HUB_JAR
// (tools/client-tests.sh sets it) or ../hub/target/hub.jar; java is $JAVA or the one on PATH.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const JAR = process.env.TEST_HUB_JAR || path.resolve(here, '../../../hub/target/hub.jar');
const JAVA = process.env.JAVA || 'java';

/** A port nothing listens on right now. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls until check() is truthy; fails with the message after boundMs. */
export async function eventually(check, message, boundMs = 10000) {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('not within ' + boundMs + ' ms: ' + message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * One hub process. `env` holds HUB_* configuration (e.g. HUB_BATCH_EVENTS); the test's own HUB_* variables
 * are not passed on. start() again after a kill runs a new process on the same port.
 */
export class HubProcess {
  constructor(port, env = {}) {
    this.port = port;
    this.env = env;
    this.output = '';
    this.child = null;
  }

  static async start(env = {}) {
    const hub = new HubProcess(await freePort(), env);
    await hub.start();
    return hub;
  }

  get httpUrl() {
    return 'http://127.0.0.1:' + this.port;
  }

  get wsUrl() {
    return 'ws://127.0.0.1:' + this.port + '/ws';
  }

  async start(boundMs = 20000) {
    if (!existsSync(JAR)) throw new Error('no hub jar at ' + JAR + ' (build it: mvn -B package -DskipTests)');
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HUB_')));
    const child = spawn(JAVA, ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-jar', JAR,
      '--port', String(this.port)], { env: { ...env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = once(child, 'exit');
    const keep = (chunk) => { this.output = (this.output + chunk).slice(-20000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const deadline = Date.now() + boundMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error('hub exited with ' + child.exitCode + ': ' + this.output);
      try {
        const res = await fetch(this.httpUrl + '/health');
        if (res.status === 200) return this;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('hub not healthy within ' + boundMs + ' ms: ' + this.output);
  }

  /** SIGKILL: gone without a word, as in a crash. Resolves once the process has exited. */
  async kill() {
    return this._signal('SIGKILL');
  }

  /** SIGTERM: the hub drains (bye, close 1001) and exits. */
  async terminate() {
    return this._signal('SIGTERM');
  }

  /** SIGSTOP: the process stays, its sockets stay open, nothing is answered: a hung node. */
  pause() {
    this.child.kill('SIGSTOP');
  }

  resume() {
    this.child.kill('SIGCONT');
  }

  async _signal(signal) {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill(signal);
    await this.exited;
  }

  /** Stops the process for good (SIGKILL), whatever state it is in. */
  async close() {
    await this.kill();
  }

  async json(pathAndQuery, init) {
    const res = await fetch(this.httpUrl + pathAndQuery, init);
    return { status: res.status, body: await res.json() };
  }
}
