/**
 * The node's resources and their operation values, read from the operation files (n8n's AllEntities/PropertiesOf
 * pattern): a field whose displayOptions name an operation that does not exist fails the type check.
 */
import type { AllEntities, PropertiesOf } from 'n8n-workflow';

import type * as account from './account';
import type * as contract from './contract';
import type * as identityVerification from './identityVerification';

type OperationValues<R extends { operations: ReadonlyArray<{ option: { value: string } }> }> =
	R['operations'][number]['option']['value'];

type LofirmoMap = {
	account: OperationValues<typeof account>;
	contract: OperationValues<typeof contract>;
	identityVerification: OperationValues<typeof identityVerification>;
};

export type LofirmoType = AllEntities<LofirmoMap>;

export type LofirmoProperties = PropertiesOf<LofirmoType>;
