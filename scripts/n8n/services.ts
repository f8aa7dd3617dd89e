/**
 * PostgreSQL and Redis for n8n's queue mode: Debian's packages (installed by `scripts/install-n8n.sh
 * --with-queue`), run as local processes on 127.0.0.1 with their data under .n8n-cache/services, started and
 * stopped here, each with a password made for it (loopback is shared by every user of the machine).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CACHE_DIR } from './install';
import { captureOutput, killGroup, tail, track } from './process';

export const SERVICES_DIR = path.join(CACHE_DIR, 'services');
const INSTALL_HINT = 'run: bash scripts/install-n8n.sh --with-queue';

export interface ServiceHandle {
	port: number;
	pid: number;
	stop(): Promise<void>;
}

export interface PostgresHandle extends ServiceHandle {
	/** the n8n environment that points at this server's database */
	n8nEnv: Record<string, string>;
	/** runs one SQL statement on n8n's database (psql); the rows, each a list of its columns as text */
	query(sql: string): Promise<string[][]>;
}

/** The newest PostgreSQL server Debian installed (/usr/lib/postgresql/<major>/bin). */
function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (majors.length === 0) throw new Error(`PostgreSQL is not installed (${INSTALL_HINT})`);
	return path.join(root, majors[0], 'bin');
}

/**
 * PostgreSQL refuses to run as root: run as root, its files and processes belong to Debian's `postgres` user; run
 * as anyone else, to the user running the harness.
 */
function postgresUser(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const id = (flag: string) =>
		Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
	return { uid: id('-u'), gid: id('-g') };
}

/**
 * A new, empty data folder: under .n8n-cache/services when the `postgres` user can reach it (every parent folder
 * searchable), else a private one made under /tmp (a checkout in a private home folder), said in the log. Removed
 * by the handle's stop() in that case.
 */
function newPostgresDataDir(
	name: string,
	user: { uid: number; gid: number } | undefined,
): { dataDir: string; temporary: boolean } {
	const wanted = path.join(SERVICES_DIR, `postgres-${name}`);
	fs.mkdirSync(SERVICES_DIR, { recursive: true });
	let reachable = true;
	if (user) {
		try {
			execFileSync('test', ['-x', SERVICES_DIR], { ...user, stdio: 'ignore' });
		} catch {
			reachable = false;
		}
	}
	if (!reachable) {
		// mkdtemp: a fresh folder no one else can have prepared, unique to this run
		const dataDir = fs.mkdtempSync(path.join('/tmp', `lofirmo-postgres-${name}-`));
		console.log(
			`[services] ${SERVICES_DIR} is not reachable by the postgres user; using ${dataDir}`,
		);
		fs.chownSync(dataDir, user!.uid, user!.gid);
		return { dataDir, temporary: true };
	}
	fs.rmSync(wanted, { recursive: true, force: true });
	fs.mkdirSync(wanted, { mode: 0o700 });
	if (user) fs.chownSync(wanted, user.uid, user.gid);
	return { dataDir: wanted, temporary: false };
}

interface Spawned {
	child: ChildProcess;
	logs(): string;
	exited: Promise<void>;
}

/** Spawns a server in its own process group, collecting its output; tracked so a crashed run leaves none. */
function spawnServer(
	bin: string,
	args: string[],
	opts: { uid?: number; gid?: number; cwd: string; logFile: string },
): Spawned {
	const child = spawn(bin, args, {
		cwd: opts.cwd,
		uid: opts.uid,
		gid: opts.gid,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	track(child);
	const output = captureOutput(child, opts.logFile, `${path.basename(bin)} ${args.join(' ')}`);
	return { child, ...output };
}

/** Resolves when `line` is printed; rejects with the log tail on exit or after `timeoutMs`. */
async function waitForLine(
	server: Spawned,
	line: string,
	what: string,
	timeoutMs = 60_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let gone = false;
	void server.exited.then(() => (gone = true));
	while (!server.logs().includes(line)) {
		if (gone) throw new Error(`${what} exited before it was ready.\n${tail(server.logs())}`);
		if (Date.now() > deadline) {
			killGroup(server.child, 'SIGKILL');
			throw new Error(`${what} was not ready within ${timeoutMs} ms.\n${tail(server.logs())}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
}

function handleFor(port: number, server: Spawned, stopSignal: NodeJS.Signals): ServiceHandle {
	let stopping: Promise<void> | undefined;
	return {
		port,
		pid: server.child.pid!,
		stop() {
			stopping ??= (async () => {
				killGroup(server.child, stopSignal);
				const killTimer = setTimeout(() => killGroup(server.child, 'SIGKILL'), 15_000);
				await server.exited;
				clearTimeout(killTimer);
			})();
			return stopping;
		},
	};
}

/** psql's arguments for one statement on `database` as the superuser `n8n`, stopping at the first error. */
const psqlArgs = (port: number, database: string, sql: string) => [
	'-h',
	'127.0.0.1',
	'-p',
	String(port),
	'-U',
	'n8n',
	'-d',
	database,
	'-v',
	'ON_ERROR_STOP=1',
	'-c',
	sql,
];

/**
 * A PostgreSQL server on 127.0.0.1:`port` (TCP only), a new cluster each time, with an empty database `n8n` owned
 * by the superuser `n8n`, whose password is made here and given only to n8n's environment and psql's (never as an
 * argument, so no process list or log shows it).
 */
export async function startPostgres(opts: { name: string; port: number }): Promise<PostgresHandle> {
	const bin = postgresBinDir();
	const user = postgresUser();
	const { dataDir, temporary } = newPostgresDataDir(opts.name, user);
	const clusterDir = path.join(dataDir, 'cluster');
	const owned = { uid: user?.uid, gid: user?.gid };
	const password = crypto.randomBytes(24).toString('base64url');
	const passwordFile = path.join(dataDir, 'password');
	let server: Spawned | undefined;
	try {
		fs.writeFileSync(passwordFile, password, { mode: 0o600 });
		if (user) fs.chownSync(passwordFile, user.uid, user.gid);
		server = startCluster();
		await waitForLine(
			server,
			'database system is ready to accept connections',
			`PostgreSQL on port ${opts.port}`,
		);
	} catch (error) {
		// failed before there is a handle to stop: nothing may stay behind
		if (server) {
			killGroup(server.child, 'SIGKILL');
			await server.exited;
		}
		if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
		throw error;
	}
	// SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for every client to leave)
	const stopped = handleFor(opts.port, server, 'SIGINT');
	const handle: ServiceHandle = {
		...stopped,
		async stop() {
			await stopped.stop();
			if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
		},
	};

	/** initdb (the password file is read and removed), then the server */
	function startCluster(): Spawned {
		try {
			execFileSync(
				path.join(bin, 'initdb'),
				[
					'-D',
					clusterDir,
					'-U',
					'n8n',
					`--pwfile=${passwordFile}`,
					'--auth=scram-sha-256',
					'-E',
					'UTF8',
					'--locale=C',
				],
				{ ...owned, cwd: dataDir, stdio: 'pipe', timeout: 120_000 },
			);
		} finally {
			fs.rmSync(passwordFile, { force: true });
		}
		return spawnServer(
			path.join(bin, 'postgres'),
			[
				'-D',
				clusterDir,
				'-p',
				String(opts.port),
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'unix_socket_directories=',
				// n8n's processes each keep a pool (DB_POSTGRESDB_POOL_SIZE): room for main, webhook and workers
				'-c',
				'max_connections=200',
			],
			{ ...owned, cwd: dataDir, logFile: path.join(SERVICES_DIR, `postgres-${opts.name}.log`) },
		);
	}

	const psqlEnv = { ...process.env, PGPASSWORD: password };
	try {
		execFileSync(path.join(bin, 'psql'), psqlArgs(opts.port, 'postgres', 'CREATE DATABASE n8n'), {
			env: psqlEnv,
			stdio: 'pipe',
			timeout: 30_000,
		});
	} catch (error) {
		await handle.stop();
		throw error;
	}
	return {
		...handle,
		query: (sql) =>
			new Promise((resolve, reject) => {
				execFile(
					path.join(bin, 'psql'),
					['-A', '-t', '-F', '\t', ...psqlArgs(opts.port, 'n8n', sql)],
					{ env: psqlEnv, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
					(error, stdout) => {
						if (error) reject(error);
						else
							resolve(
								stdout
									.split('\n')
									.filter(Boolean)
									.map((row) => row.split('\t')),
							);
					},
				);
			}),
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(opts.port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: password,
		},
	};
}

/** A Redis server on 127.0.0.1:`port`, in memory only (no snapshot, no append-only file). */
export async function startRedis(opts: {
	name: string;
	port: number;
}): Promise<ServiceHandle & { n8nEnv: Record<string, string> }> {
	let bin: string;
	try {
		bin = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
	} catch {
		throw new Error(`Redis is not installed (${INSTALL_HINT})`);
	}
	const dir = path.join(SERVICES_DIR, `redis-${opts.name}`);
	fs.mkdirSync(dir, { recursive: true });
	const server = spawnServer(
		bin,
		[
			'--port',
			String(opts.port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--dir',
			dir,
		],
		{ cwd: dir, logFile: path.join(SERVICES_DIR, `redis-${opts.name}.log`) },
	);
	await waitForLine(server, 'Ready to accept connections', `Redis on port ${opts.port}`);
	return {
		...handleFor(opts.port, server, 'SIGTERM'),
		n8nEnv: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(opts.port) },
	};
}
