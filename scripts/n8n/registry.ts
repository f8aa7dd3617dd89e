/**
 * A local npm registry for installing our package by name, as users do: Verdaccio (pinned in n8n/registry/, installed
 * by `scripts/install-n8n.sh --with-registry`) on loopback, its storage fresh under .n8n-cache/registry/<name>, our
 * package published to it with `npm publish`.
 *
 * How n8n reaches it. n8n 2.40.7 runs `npm pack <name>@<version> --registry=<registry>` and first asks
 * `<registry>/<name>/<version>` itself; `<registry>` is N8N_COMMUNITY_PACKAGES_REGISTRY, but any value other than
 * https://registry.npmjs.org needs an enterprise licence (`feat:communityNodes:customRegistry`, else
 * FeatureNotLicensedError), and the `--registry` flag on npm's command line beats npm's own configuration
 * (npm_config_registry, .npmrc). What an unlicensed n8n and its npm both honour is the network configuration every
 * company proxy uses: HTTPS_PROXY (n8n's outbound HTTP and npm) and an extra trusted CA (NODE_EXTRA_CA_CERTS). So the
 * registry comes with a proxy on loopback that answers for registry.npmjs.org only (TLS with a certificate made for
 * this run, signed by a CA made for this run) from Verdaccio, and refuses every other host: n8n installs "from
 * registry.npmjs.org" unchanged, and nothing leaves the machine. `n8nEnv` is that configuration.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { CACHE_DIR, PACKAGE_NAME, REPO_ROOT } from './install';
import { captureOutput, inheritedEnv, killGroup, tail, track } from './process';

const run = promisify(execFile);

/** The registry n8n and npm use by default, which the proxy answers for. */
export const PUBLIC_REGISTRY_HOST = 'registry.npmjs.org';

export interface RegistryOptions {
	/** folder under .n8n-cache/registry (wiped first) */
	name: string;
	/** Verdaccio's port; the proxy listens on port + 1 */
	port: number;
}

export interface Registry {
	/** http://127.0.0.1:<port>/ (Verdaccio itself: publish here) */
	url: string;
	/** http://127.0.0.1:<port + 1> (HTTPS_PROXY for whoever should find the registry at registry.npmjs.org) */
	proxyUrl: string;
	/** the CA that signed the proxy's registry.npmjs.org certificate (PEM file) */
	caFile: string;
	/** run folder (storage, config, npm caches, logs) */
	dir: string;
	/**
	 * The environment that sends a process's registry traffic (Node's and npm's) through the proxy, with its own npm
	 * cache (`cacheName`, under the run folder) so nothing from this registry lands in the user's npm cache.
	 */
	n8nEnv(cacheName: string): Record<string, string>;
	/** hosts the proxy refused (anything but registry.npmjs.org), in order */
	refused: string[];
	/** requests the proxy served, `METHOD path` */
	served: string[];
	/**
	 * `npm publish` of a package folder (default: the repo, exactly as a release: its `files`, its built dist/) with
	 * the registry's publisher token; returns npm's report (`--json`).
	 */
	publish(opts?: { dir?: string; tag?: string }): Promise<PublishReport>;
	/** a copy of the repo's package at `version` (packed, unpacked in a temp folder; the repo is not touched) */
	copyAtVersion(version: string): string;
	/** Verdaccio's log (stdout and stderr) */
	logs(): string;
	stop(): Promise<void>;
}

export interface PublishReport {
	id: string;
	name: string;
	version: string;
	files: Array<{ path: string }>;
	integrity: string;
}

const PUBLISHER = { name: 'lofirmo-publisher', password: 'Local-Registry-Passw0rd' };

/** Verdaccio's configuration: local packages only (no uplink), publishing for the one user we create. */
function verdaccioConfig(storage: string, htpasswd: string): string {
	return [
		`storage: ${JSON.stringify(storage)}`,
		'auth:',
		'  htpasswd:',
		`    file: ${JSON.stringify(htpasswd)}`,
		'    max_users: 1',
		'uplinks: {}',
		'packages:',
		"  '**':",
		'    access: $all',
		'    publish: $authenticated',
		'    unpublish: $authenticated',
		'web:',
		'  enable: false',
		'middlewares:',
		'  audit:',
		'    enabled: false',
		'log: { type: stdout, format: pretty, level: warn }',
		'',
	].join('\n');
}

/** A CA and a certificate for registry.npmjs.org signed by it, made with openssl for this run only. */
async function makeCertificates(dir: string): Promise<{ ca: string; key: string; cert: string }> {
	const file = (name: string) => path.join(dir, name);
	const openssl = async (args: string[]) => {
		try {
			await run('openssl', args, { cwd: dir, timeout: 60_000 });
		} catch (error) {
			throw new Error(
				`openssl ${args[0]} failed (is openssl installed? run: bash scripts/install-n8n.sh --with-registry): ${(error as Error).message}`,
			);
		}
	};
	await openssl([
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-days',
		'2',
		'-subj',
		'/CN=lofirmo e2e registry CA',
		'-addext',
		'basicConstraints=critical,CA:TRUE',
		'-addext',
		'keyUsage=critical,keyCertSign',
		'-keyout',
		file('ca.key'),
		'-out',
		file('ca.pem'),
	]);
	await openssl([
		'req',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-subj',
		`/CN=${PUBLIC_REGISTRY_HOST}`,
		'-keyout',
		file('registry.key'),
		'-out',
		file('registry.csr'),
	]);
	fs.writeFileSync(
		file('registry.ext'),
		`subjectAltName=DNS:${PUBLIC_REGISTRY_HOST}\nextendedKeyUsage=serverAuth\n`,
	);
	await openssl([
		'x509',
		'-req',
		'-in',
		file('registry.csr'),
		'-CA',
		file('ca.pem'),
		'-CAkey',
		file('ca.key'),
		'-CAcreateserial',
		'-days',
		'2',
		'-extfile',
		file('registry.ext'),
		'-out',
		file('registry.pem'),
	]);
	// the CA's key is not needed once the one certificate is signed
	fs.rmSync(file('ca.key'));
	return {
		ca: file('ca.pem'),
		key: fs.readFileSync(file('registry.key'), 'utf8'),
		cert: fs.readFileSync(file('registry.pem'), 'utf8'),
	};
}

async function waitForHttp(url: string, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await new Promise<number>((resolve) => {
			const req = http.get(url, { timeout: 2_000 }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on('error', () => resolve(0));
			req.on('timeout', () => req.destroy());
		});
		if (status === 200) return;
		if (Date.now() > deadline)
			throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** Creates the publisher (`npm adduser`'s request) and returns its token. */
async function addPublisher(url: string): Promise<string> {
	const body = JSON.stringify({ name: PUBLISHER.name, password: PUBLISHER.password });
	const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
		const req = http.request(
			`${url}-/user/org.couchdb.user:${PUBLISHER.name}`,
			{ method: 'PUT', headers: { 'content-type': 'application/json' }, timeout: 15_000 },
			(res) => {
				let text = '';
				res.on('data', (c: Buffer) => (text += c.toString('utf8')));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
	const token = (JSON.parse(answer.text || '{}') as { token?: string }).token;
	if (answer.status !== 201 || !token)
		throw new Error(`the registry refused the publisher: ${answer.status} ${answer.text}`);
	return token;
}

/**
 * The proxy: CONNECT registry.npmjs.org:443 is answered by a TLS server holding our certificate, whose requests go to
 * Verdaccio; an absolute-URI request for https://registry.npmjs.org/… (what axios sends through a proxy) too. Any
 * other host is refused with 403 and noted.
 */
function startProxy(opts: {
	port: number;
	verdaccioPort: number;
	key: string;
	cert: string;
	refused: string[];
	served: string[];
}): Promise<http.Server> {
	const forward = (req: http.IncomingMessage, res: http.ServerResponse, requested: string) => {
		// registry.npmjs.org reads `//name` as `/name` (n8n's scanner asks for `https://registry.npmjs.org//<name>`);
		// Verdaccio does not
		const pathname = requested.replace(/^\/{2,}/, '/');
		opts.served.push(`${req.method} ${pathname}`);
		const upstream = http.request(
			{
				host: '127.0.0.1',
				port: opts.verdaccioPort,
				method: req.method,
				path: pathname,
				headers: { ...req.headers, host: PUBLIC_REGISTRY_HOST },
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', (error) => {
			res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`local registry unreachable: ${error.message}`);
		});
		req.pipe(upstream);
	};
	const tlsServer = https.createServer({ key: opts.key, cert: opts.cert }, (req, res) =>
		forward(req, res, req.url ?? '/'),
	);
	const proxy = http.createServer((req, res) => {
		const url = /^https?:\/\//.test(req.url ?? '') ? new URL(req.url!) : undefined;
		if (url?.hostname === PUBLIC_REGISTRY_HOST) return forward(req, res, url.pathname + url.search);
		opts.refused.push(url?.host ?? String(req.headers.host));
		res.writeHead(403, { 'content-type': 'text/plain' });
		res.end('this test proxy serves registry.npmjs.org only');
	});
	// tunnels leave the HTTP server once established: kept here so stop() can end them
	const tunnels = new Set<Duplex>();
	proxy.on('close', () => {
		for (const socket of tunnels) socket.destroy();
	});
	proxy.on('connect', (req: http.IncomingMessage, socket: Duplex) => {
		tunnels.add(socket);
		socket.once('close', () => tunnels.delete(socket));
		const [host, port] = (req.url ?? '').split(':');
		if (host !== PUBLIC_REGISTRY_HOST || (port ?? '443') !== '443') {
			opts.refused.push(req.url ?? '');
			socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		tlsServer.emit('connection', socket);
	});
	proxy.on('clientError', (_error, socket) => socket.destroy());
	return new Promise((resolve, reject) => {
		proxy.once('error', reject);
		proxy.listen(opts.port, '127.0.0.1', () => resolve(proxy));
	});
}

export async function startRegistry(opts: RegistryOptions): Promise<Registry> {
	const dir = path.join(CACHE_DIR, 'registry', opts.name);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const configFile = path.join(dir, 'config.yaml');
	fs.writeFileSync(
		configFile,
		verdaccioConfig(path.join(dir, 'storage'), path.join(dir, 'htpasswd')),
	);
	const url = `http://127.0.0.1:${opts.port}/`;
	const proxyUrl = `http://127.0.0.1:${opts.port + 1}`;
	const certificates = await makeCertificates(dir);

	const bin = path.join(
		CACHE_DIR,
		'registry-server',
		'node_modules',
		'verdaccio',
		'bin',
		'verdaccio',
	);
	if (!fs.existsSync(bin))
		throw new Error(
			`Verdaccio is not installed at ${bin} (run: bash scripts/install-n8n.sh --with-registry)`,
		);
	const child = spawn(
		process.execPath,
		[bin, '--config', configFile, '--listen', `127.0.0.1:${opts.port}`],
		{
			cwd: dir,
			// tarball URLs in the metadata name the public registry: through the proxy they come back here
			env: { ...inheritedEnv(), VERDACCIO_PUBLIC_URL: `https://${PUBLIC_REGISTRY_HOST}/` },
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	track(child);
	const output = captureOutput(child, path.join(dir, 'verdaccio.log'), 'verdaccio');
	const stopVerdaccio = async () => {
		killGroup(child, 'SIGTERM');
		const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
		await output.exited;
		clearTimeout(timer);
	};
	const refused: string[] = [];
	const served: string[] = [];
	let proxy: http.Server | undefined;
	try {
		await Promise.race([
			waitForHttp(`${url}-/ping`, `Verdaccio on port ${opts.port}`),
			output.exited.then(() => {
				throw new Error(`Verdaccio exited before it was ready.\n${tail(output.logs())}`);
			}),
		]);
		proxy = await startProxy({
			port: opts.port + 1,
			verdaccioPort: opts.port,
			key: certificates.key,
			cert: certificates.cert,
			refused,
			served,
		});
	} catch (error) {
		await stopVerdaccio();
		throw error;
	}

	const token = await addPublisher(url);
	// npm's user config for publishing: the token for this registry only, nothing else of the user's
	const userconfig = path.join(dir, 'publisher.npmrc');
	fs.writeFileSync(userconfig, `//127.0.0.1:${opts.port}/:_authToken=${token}\n`, { mode: 0o600 });
	const copies: string[] = [];

	const registry: Registry = {
		url,
		proxyUrl,
		caFile: certificates.ca,
		dir,
		refused,
		served,
		n8nEnv(cacheName) {
			const proxied = {
				HTTPS_PROXY: proxyUrl,
				HTTP_PROXY: proxyUrl,
				NO_PROXY: '127.0.0.1,localhost,::1',
			};
			return {
				...proxied,
				// npm reads these as its https-proxy, proxy and noproxy settings (over any .npmrc)
				npm_config_https_proxy: proxyUrl,
				npm_config_proxy: proxyUrl,
				npm_config_noproxy: proxied.NO_PROXY,
				// Node trusts it beside its own CAs; npm trusts only its `cafile` (set machine-wide on some systems)
				NODE_EXTRA_CA_CERTS: certificates.ca,
				npm_config_cafile: certificates.ca,
				npm_config_cache: path.join(dir, 'npm-cache', cacheName),
				npm_config_update_notifier: 'false',
			};
		},
		async publish({ dir: packageDir = REPO_ROOT, tag } = {}) {
			const args = ['publish', '--json', `--registry=${url}`, `--userconfig=${userconfig}`];
			if (tag) args.push(`--tag=${tag}`);
			try {
				const { stdout } = await run('npm', args, {
					cwd: packageDir,
					timeout: 120_000,
					env: { ...inheritedEnv(), npm_config_cache: path.join(dir, 'npm-cache', 'publisher') },
				});
				const report = JSON.parse(stdout) as PublishReport | Record<string, PublishReport>;
				return 'id' in report ? (report as PublishReport) : Object.values(report)[0];
			} catch (error) {
				const { stdout, stderr } = error as { stdout?: string; stderr?: string };
				throw new Error(`npm publish failed in ${packageDir}:\n${stdout ?? ''}\n${stderr ?? ''}`);
			}
		},
		copyAtVersion(version) {
			const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lofirmo-release-copy-'));
			copies.push(tmp);
			const out = execFileSync(
				'npm',
				['pack', '--json', '--ignore-scripts', '--pack-destination', tmp],
				{ cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
			);
			const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
			const packageDir = path.join(tmp, 'package');
			fs.mkdirSync(packageDir);
			execFileSync('tar', [
				'-xzf',
				path.join(tmp, filename),
				'-C',
				packageDir,
				'--strip-components=1',
			]);
			const manifestFile = path.join(packageDir, 'package.json');
			const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
				name: string;
				version: string;
			};
			if (manifest.name !== PACKAGE_NAME)
				throw new Error(`packed ${manifest.name}, not ${PACKAGE_NAME}`);
			manifest.version = version;
			fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
			return packageDir;
		},
		logs: output.logs,
		async stop() {
			await new Promise<void>((resolve) => {
				if (!proxy) return resolve();
				proxy.close(() => resolve());
				proxy.closeAllConnections();
			});
			await stopVerdaccio();
			for (const copy of copies) fs.rmSync(copy, { recursive: true, force: true });
		},
	};
	return registry;
}
