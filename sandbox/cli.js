// @ts-check
// `npm run sandbox`: a local Lofirmo look-alike on 127.0.0.1, configured from the environment.
const { createSandbox } = require('./server');

const DEFAULT_TOKEN = 'sandbox-token';

/**
 * @param {string} name
 * @param {number} fallback
 */
function numberFromEnv(name, fallback) {
	const text = process.env[name];
	if (text === undefined || text === '') return fallback;
	const value = Number(text);
	if (!Number.isFinite(value) || value < 0)
		throw new Error(`${name} must be a non-negative number, not "${text}"`);
	return value;
}

function main() {
	const env = process.env;
	const port = numberFromEnv('SANDBOX_PORT', 4010);
	const account = {
		user: env.SANDBOX_USER || 'sandbox-user',
		token: env.SANDBOX_TOKEN || DEFAULT_TOKEN,
		credits: numberFromEnv('SANDBOX_CREDITS', 1000),
	};
	const webhook = env.SANDBOX_WEBHOOK_URL
		? {
				url: env.SANDBOX_WEBHOOK_URL,
				format: /** @type {import('./webhooks').WebhookFormat} */ (
					env.SANDBOX_WEBHOOK_FORMAT || 'json'
				),
				auth: env.SANDBOX_WEBHOOK_USER
					? { user: env.SANDBOX_WEBHOOK_USER, password: env.SANDBOX_WEBHOOK_PASSWORD ?? '' }
					: undefined,
			}
		: null;
	const sandbox = createSandbox({ accounts: [account], webhook });

	sandbox.start(port).then(
		({ url }) => {
			// a custom token stays off the screen; the default one is public anyway
			const token =
				account.token === DEFAULT_TOKEN ? DEFAULT_TOKEN : '(the value of SANDBOX_TOKEN)';
			console.log(
				[
					`Lofirmo sandbox listening on ${url}`,
					`  Base URL:  ${url}`,
					`  API User:  ${account.user}`,
					`  API Token: ${token}`,
					`  Credits:   ${account.credits}`,
					`  Webhook:   ${webhook ? `${webhook.url} (${webhook.format})` : 'none (set SANDBOX_WEBHOOK_URL)'}`,
					'Control endpoints (no auth, JSON):',
					`  POST   ${url}/_sandbox/contracts/:id/sign | certify | status {"code":"..."}`,
					`  POST   ${url}/_sandbox/identity/:id/complete {"score":90} | status {"code":"..."}`,
					`  POST   ${url}/_sandbox/webhook {"url":"...","format":"json|form|multipart","auth":{"user":"..","password":".."}}`,
					`  GET    ${url}/_sandbox/webhook/deliveries`,
					`  POST   ${url}/_sandbox/faults {"fn":"credits","type":"status","status":503}   DELETE clears them`,
					`  GET    ${url}/_sandbox/state | requests | health     POST ${url}/_sandbox/reset`,
					'Ctrl+C stops.',
				].join('\n'),
			);
		},
		(/** @type {Error} */ error) => {
			console.error(`sandbox: cannot listen on 127.0.0.1:${port}: ${error.message}`);
			process.exitCode = 1;
		},
	);

	const stop = () => {
		void sandbox.stop().then(() => console.log('sandbox stopped'));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

try {
	main();
} catch (error) {
	console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
}
