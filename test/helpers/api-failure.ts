import { NodeApiError } from 'n8n-workflow';

/** Awaits a transport call that must fail with a NodeApiError and returns it. */
export async function apiFailure(promise: Promise<unknown>): Promise<NodeApiError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(NodeApiError);
		return error as NodeApiError;
	}
	throw new Error('expected the call to fail');
}
