/** Starts the local Lofirmo sandbox on a free loopback port for a test file. */
import { createSandbox } from '../../sandbox/server';

export const USER = 'sandbox-user';
export const TOKEN = 'sandbox-token';

export type Sandbox = ReturnType<typeof createSandbox> & { url: string };

export async function startSandbox(options: Parameters<typeof createSandbox>[0] = {}): Promise<Sandbox> {
	const sb = createSandbox({ quiet: true, ...options });
	await sb.start(0);
	return sb as Sandbox;
}
