// @ts-check
// The bench's sandbox in its own process (plain Node, no ts-node: nothing of the sandbox is transpiled), so it
// does not share an event loop with the bench's load generators. Started by bench/lib/sandbox.ts.
// Options come as JSON in BENCH_SANDBOX_OPTIONS, the port in BENCH_SANDBOX_PORT; with BENCH_SANDBOX_TLS (JSON
// { port, key, cert }) it serves the same API over HTTPS too. Prints "READY <url> [<https url>]" once listening and
// stops when its stdin closes (the bench ended or died) or on SIGTERM.
const { createSandbox } = require('../sandbox/server');

/** @type {import('../sandbox/server').Sandbox | undefined} */
let sandbox;

async function main() {
	const options = JSON.parse(process.env.BENCH_SANDBOX_OPTIONS || '{}');
	const port = Number(process.env.BENCH_SANDBOX_PORT || 0);
	sandbox = createSandbox({ ...options, quiet: true });
	const { url } = await sandbox.start(port);
	const tls = process.env.BENCH_SANDBOX_TLS ? JSON.parse(process.env.BENCH_SANDBOX_TLS) : undefined;
	const secure = tls
		? await sandbox.startTls(tls.port, { key: tls.key, cert: tls.cert })
		: undefined;
	process.stdout.write(`READY ${url}${secure ? ` ${secure.url}` : ''}\n`);
}

function stop() {
	void (sandbox ? sandbox.stop() : Promise.resolve()).then(() => process.exit(0));
}

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

main().catch((error) => {
	process.stderr.write(`bench sandbox: ${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
