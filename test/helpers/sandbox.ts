/** Starts the local Lofirmo sandbox on a free loopback port for a test file. */
import { createSandbox } from '../../sandbox/server';
import type { TestCredentials } from './n8n-context';

export const USER = 'sandbox-user';
export const TOKEN = 'sandbox-token';

export type Sandbox = ReturnType<typeof createSandbox> & { url: string };

/** `port`: 0 (default) takes a free one. */
export async function startSandbox(
	options: Parameters<typeof createSandbox>[0] = {},
	port = 0,
): Promise<Sandbox> {
	const sb = createSandbox({ quiet: true, ...options });
	await sb.start(port);
	return sb as Sandbox;
}

/**
 * One sandbox for a test file: started before its tests, reset before each, stopped after. Read `env.sb` and
 * `env.credentials` inside tests (they are set once the file's tests start).
 */
export function useSandbox(options: Parameters<typeof createSandbox>[0] = {}) {
	const env = {} as { sb: Sandbox; credentials: TestCredentials };
	beforeAll(async () => {
		env.sb = await startSandbox(options);
		env.credentials = { apiUser: USER, apiToken: TOKEN, baseUrl: env.sb.url };
	});
	afterAll(async () => env.sb?.stop());
	beforeEach(() => env.sb.reset());
	return env;
}
