/**
 * Contract → Send (`/EnviarContrato`): sends documents for signature to one or more signers.
 * Every value is checked before the call: a send costs credits and bad calls count as spam.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { lofirmoApiRequest, type LofirmoFunction, type LofirmoRun } from '../../transport';
import {
	compact,
	createChecks,
	isBlank,
	optionalFields,
	shown,
	type Checks,
} from '../common/checks';
import { keyValueObject } from '../common/fields';
import { numberField, textField } from '../common/output';
import type { LofirmoProperties } from '../node.type';
import { CHANNELS, LANGUAGES, sendContractOptions, SIGNATURE_TYPES } from './sendContract.fields';
import { readSigners, signerFields } from './sendContract.signers';

export const option = {
	name: 'Send',
	value: 'sendContract',
	description: 'Send documents for electronic signature to one or more signers (uses credits)',
	action: 'Send a contract for signature',
} as const;

export const toolDescription =
	'Sends a contract for electronic signature with Lofirmo: each signer gets a message (email or SMS) with a signing link. It spends credits of the Lofirmo account (per signer) and messages real people, so call it only when the user asked to send this contract to these people, and never twice for one request: a second call sends a second contract. Each signer needs a full name and an email or a mobile. Answers with contractId and reportId: keep both, every later step about this contract (status, PDF, continue, cancel) needs them.';

export const apiFunction: LofirmoFunction = {
	key: 'sendContract',
	path: '/EnviarContrato',
	documented: true,
	changes: true,
};

export const properties: LofirmoProperties = [...signerFields, ...sendContractOptions];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: LofirmoRun,
): Promise<INodeExecutionData[]> {
	const body = contractBody(this, itemIndex);
	const data = await lofirmoApiRequest.call(this, apiFunction, body, { itemIndex, run });
	return [{ json: sentContract(data) }];
}

/** The request body of a send, every value checked (also used by Send and Wait for Signature). */
export function contractBody(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const check = createChecks(ctx, itemIndex);
	const signers = readSigners(ctx, itemIndex, check);
	const extra = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const optional = optionalFields(extra);

	const minChecks = optional('minCheckboxes', (value) =>
		check.integer('Minimum Checkboxes', value, 0),
	);
	const maxChecks = optional('maxCheckboxes', (value) =>
		check.integer('Maximum Checkboxes', value, 0),
	);
	if (minChecks !== undefined && maxChecks !== undefined && minChecks > maxChecks) {
		throw check.fail(
			'Minimum Checkboxes is more than Maximum Checkboxes',
			`Minimum is ${minChecks} and maximum is ${maxChecks}: no signer could satisfy both. Lower the minimum or raise the maximum.`,
		);
	}

	return compact({
		Firmantes: signers,
		Flujotrabajo: optional('workflowId', (value) => check.text('Saved Workflow ID', value)),
		Firmasemisor: optional('senderSignatures', (value) => senderSignatures(check, value)),
		Documentos: documents(check, extra),
		Documentossolicitados: requestedDocuments(check, extra.requestedDocuments, signers.length),
		Personalizacion: personalization(check, extra.personalization),
		Tipofirma: optional('signatureType', (value) =>
			check.oneOf('Signature Type', value, SIGNATURE_TYPES),
		),
		Remitente: optional('senderName', (value) => check.senderName(value)),
		Mensaje: optional('message', (value) => check.message(value)),
		Mediocomunicacion: optional('communicationChannel', (value) =>
			check.oneOf('Communication Channel', value, CHANNELS),
		),
		Tipodocumento: optional('documentType', (value) => check.text('Document Type', value)),
		Verificacionidentidad: optional('identityVerification', (value) =>
			check.yesNo('Identity Verification', value),
		),
		Minparecidoverificacion: optional('minLikeness', (value) =>
			check.integer('Minimum Likeness %', value, 0, 100),
		),
		Referenciausuario: optional('userReference', (value) => check.text('User Reference', value)),
		Accesible: optional('signersGetSignedDocument', (value) =>
			check.yesNo('Signers Get the Signed Document', value),
		),
		Alternamedios: optional('alternateChannels', (value) =>
			check.yesNo('Alternate Channels', value),
		),
		Recordatorios: optional('reminderInterval', (value) =>
			check.integer('Reminder Interval (Days)', value, 1),
		),
		Fechalimite: optional('deadline', (value) => check.deadline(value)),
		Idioma: optional('language', (value) => check.oneOf('Language', value, LANGUAGES)),
		Minimocheck: minChecks,
		Maximocheck: maxChecks,
	});
}

/** What a send answered, as the node outputs it. */
export function sentContract(data: IDataObject): IDataObject {
	return {
		contractId: textField(data, 'ContratoId'),
		reportId: textField(data, 'ReportId'),
		credits: numberField(data, 'Cred'),
		signers: numberField(data, 'Firmantes'),
		documents: numberField(data, 'Documentos'),
		raw: data,
	};
}

/** `Firmasemisor`: comma-separated IDs (or an array from an expression) → [{ "ID": 1865998 }]. */
function senderSignatures(check: Checks, value: unknown): IDataObject[] {
	const ids = (Array.isArray(value) ? value : check.text('Sender Signatures', value).split(','))
		.map((id) => check.text('Sender Signatures', id))
		.filter((id) => id !== '');
	const bad = ids.find((id) => !/^\d+$/.test(id));
	if (bad !== undefined) {
		throw check.fail(
			`Sender Signatures has an invalid ID "${shown(bad, 20)}"`,
			'Give the numeric IDs of your saved signatures, separated by commas, e.g. 1865998, 1865999.',
		);
	}
	return ids.map((id) => ({ ID: Number(id) }));
}

/** `Documentos`: the templates listed, then whatever Documents (JSON) holds, as given. */
function documents(check: Checks, extra: IDataObject): IDataObject[] {
	const rows = ((extra.documents as IDataObject | undefined)?.template ?? []) as IDataObject[];
	const templates = rows.map((row, index) => {
		const id = check.required(
			`Document ${index + 1} Template ID`,
			row.templateId,
			'Enter the ID of a template saved in your Lofirmo account, or remove the row.',
		);
		return {
			Tipo: 'PLANTILLA',
			PLANTILLA: id,
			ACEPTACION: check.yesNo(`Document ${index + 1} Acceptance`, row.acceptance ?? false),
		};
	});
	if (isBlank(extra.documentsJson)) return templates;
	const more = check.objectList(
		'Documents (JSON)',
		extra.documentsJson,
		'[{"Tipo": "PLANTILLA", "PLANTILLA": "120958967", "ACEPTACION": "NO"}]',
	);
	return [...templates, ...more];
}

/**
 * `Documentossolicitados`: `Firmante` is the 0-based signer index as a string. The vendor has not published a value
 * for "all signers", so Every Signer becomes one request per signer, which the documented form expresses exactly.
 */
function requestedDocuments(
	check: Checks,
	collection: unknown,
	signerCount: number,
): IDataObject[] {
	const rows = ((collection as IDataObject | undefined)?.document ?? []) as IDataObject[];
	return rows.flatMap((row, index) => {
		const label = `Requested Document ${index + 1}`;
		const Texto = check.required(
			`${label} Text`,
			row.text,
			'Say what the signer must upload, or remove the row.',
		);
		if ((row.from ?? 'all') === 'all') {
			return Array.from({ length: signerCount }, (_, signer) => ({
				Texto,
				Firmante: String(signer),
			}));
		}
		const number = check.integer(`${label} Signer Number`, row.signerNumber, 1, signerCount);
		return [{ Texto, Firmante: String(number - 1) }];
	});
}

/** `Personalizacion`: an object of template variables, or nothing when none are given. */
function personalization(check: Checks, collection: unknown): IDataObject | undefined {
	const values = keyValueObject(check, 'Personalization', collection);
	return Object.keys(values).length > 0 ? values : undefined;
}
