/** A contract as the nodes name it (Contract ID + Report ID), and as the API's parameters name it. */
import type { IDataObject } from 'n8n-workflow';

export interface ContractReference {
	contractId: string;
	reportId: string;
}

/** The API's names for a contract reference, for a request body. */
export function contractParameters(reference: ContractReference): IDataObject {
	return { Contratoid: reference.contractId, Reportid: reference.reportId };
}
