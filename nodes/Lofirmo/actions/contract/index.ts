import { defineResource } from '../operation';
import * as cancelContract from './cancelContract';
import * as continueFlow from './continueFlow';
import * as contractStatus from './contractStatus';
import * as downloadContractPdf from './downloadContractPdf';
import * as sendAndWait from './sendAndWait';
import * as sendContract from './sendContract';

/** In the order the editor lists them (by name). */
export const operations = [
	cancelContract,
	continueFlow,
	downloadContractPdf,
	contractStatus,
	sendContract,
	sendAndWait,
] as const;

export const resource = defineResource(
	{ name: 'Contract', value: 'contract' },
	operations,
	sendContract,
);
