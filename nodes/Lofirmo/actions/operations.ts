/** Every resource and operation of the action node, and the lists built from them. */
import type { LofirmoFunction } from '../transport';
import * as account from './account';
import * as contract from './contract';
import * as identityVerification from './identityVerification';
import type { Operation, Resource } from './operation';

/** In the order the editor lists them (by name). */
export const resources: readonly Resource[] = [
	account.resource,
	contract.resource,
	identityVerification.resource,
];

export const operations: readonly Operation[] = resources.flatMap(
	(resource) => resource.operations,
);

/** Every Lofirmo function the action node calls, by its Path Overrides key (the trigger calls only the downloads). */
export const LOFIRMO_FUNCTIONS: Readonly<Record<string, LofirmoFunction>> = Object.fromEntries(
	operations.map(({ apiFunction }) => [apiFunction.key, apiFunction]),
);

/** The operation picked in the editor, if this resource has it. */
export function findOperation(resource: string, operation: string): Operation | undefined {
	return resources
		.find(({ option }) => option.value === resource)
		?.operations.find(({ option }) => option.value === operation);
}
