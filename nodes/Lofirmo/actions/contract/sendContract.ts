/**
 * Contract → Send (`/EnviarContrato`): sends documents for signature to one or more signers.
 * Every value is checked before the call: a send costs credits and bad calls count as spam.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getField, lofirmoApiRequest } from '../../transport';
import { compact, createChecks, isBlank, shown, type Checks } from '../common/checks';
import {
	additionalFields,
	keyValueField,
	keyValueObject,
	messageField,
	MOBILE_FORMAT,
	senderNameField,
} from '../common/fields';
import { numberField, textField } from '../common/output';

const SIGNATURE_TYPES = ['1', '2', '3', '4'] as const;
const CHANNELS = ['1', '2', '3'] as const;
const LANGUAGES = ['es', 'pt', 'en'] as const;
/** Signer keys the node fills from its own fields; a signer variable may not reuse them. */
const SIGNER_KEYS = ['Nombre', 'NIF', 'Email', 'Telefono'];

const properties: INodeProperties[] = [
	{
		displayName: 'Signers Input',
		name: 'signersInput',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Using Fields Below', value: 'fields', description: 'Enter each signer in the fields below' },
			{
				name: 'Using JSON',
				value: 'json',
				description: 'Give the whole signer list as JSON, e.g. mapped from a previous node',
			},
		],
		default: 'fields',
	},
	{
		displayName: 'Signers',
		name: 'signers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Signer',
		default: {},
		required: true,
		displayOptions: { show: { signersInput: ['fields'] } },
		description:
			'Who must sign, in signing order. Each signer needs a name and an email or a mobile. Sent as `Firmantes`.',
		options: [
			{
				displayName: 'Signer',
				name: 'signer',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						required: true,
						default: '',
						placeholder: 'e.g. Ana García',
						description: "Signer's full name, available in the message as [NOMBRE]. Sent as `Nombre`.",
					},
					{
						displayName: 'Tax ID (NIF)',
						name: 'taxId',
						type: 'string',
						default: '',
						placeholder: 'e.g. 00000000T',
						description: "Signer's tax ID (NIF/DNI), available in the message as [NIF]. Sent as `NIF`.",
					},
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						placeholder: 'name@email.com',
						default: '',
						description: "Signer's email address. Sent as `Email`.",
					},
					{
						displayName: 'Mobile',
						name: 'mobile',
						type: 'string',
						default: '',
						placeholder: 'e.g. 34600000001',
						description:
							`Signer's mobile ${MOBILE_FORMAT}. Sent as \`Telefono\` (the vendor has not published this key for contracts; it is the one its identity API uses).`,
					},
					keyValueField(
						{
							displayName: 'Variables',
							name: 'variables',
							placeholder: 'Add Variable',
							description:
								'Extra data for this signer that the message and templates can use, e.g. name "Empresa" is written [EMPRESA] in the message. Sent as extra keys of the signer.',
						},
						'Variable name without brackets, e.g. Empresa for [EMPRESA]',
					),
				],
			},
		],
	},
	{
		displayName: 'Signers (JSON)',
		name: 'signersJson',
		type: 'json',
		required: true,
		default: '[]',
		displayOptions: { show: { signersInput: ['json'] } },
		placeholder: '[{"Nombre": "Ana García", "NIF": "00000000T", "Email": "ana@example.com", "Telefono": "34600000001"}]',
		description:
			'A JSON array of signers with the API\'s keys: `Nombre` (required), `NIF`, `Email`, `Telefono` (an email or a mobile is required), plus any extra keys as message variables. A JSON string or an array/object from an expression both work. Sent as `Firmantes`.',
	},
	additionalFields([
		{
			displayName: 'Alternate Channels',
			name: 'alternateChannels',
			type: 'boolean',
			default: false,
			description:
				'Whether reminders alternate between SMS and email until each signer finishes (needs both an email and a mobile per signer). Sent as `Alternamedios` (SI/NO).',
		},
		{
			displayName: 'Communication Channel',
			name: 'communicationChannel',
			type: 'options',
			options: CHANNELS.map((value) => ({ name: `Channel ${value}`, value })),
			default: '1',
			description:
				'The medium of the signing message, by the vendor\'s number. The vendor has not published which number is which medium in the text we have; check with Lofirmo. Sent as `Mediocomunicacion`.',
		},
		{
			displayName: 'Deadline',
			name: 'deadline',
			type: 'dateTime',
			default: '',
			description:
				'Day on which Lofirmo stops reminding and closes the contract as unsigned. Only the date counts (the day as written); YYYY-MM-DD or an ISO date both work. Sent as `Fechalimite`.',
		},
		{
			displayName: 'Document Type',
			name: 'documentType',
			type: 'string',
			default: '',
			placeholder: 'e.g. SEPA Mandate',
			description:
				'What the signers are told they are signing; it does not change the process. Lofirmo\'s default is "Contrato". Sent as `Tipodocumento`.',
		},
		{
			displayName: 'Documents',
			name: 'documents',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Document',
			default: {},
			description:
				'Templates saved in your Lofirmo account that make up the contract. For files or other document kinds use Documents (JSON). Sent as `Documentos`.',
			options: [
				{
					displayName: 'Template',
					name: 'template',
					values: [
						{
							displayName: 'Template ID',
							name: 'templateId',
							type: 'string',
							default: '',
							placeholder: 'e.g. 120958967',
							description: 'ID of a template saved in your Lofirmo account. Sent as `{"Tipo": "PLANTILLA", "PLANTILLA": "…"}`.',
						},
						{
							displayName: 'Acceptance',
							name: 'acceptance',
							type: 'boolean',
							default: false,
							description:
								'Whether this template is accepted rather than signed (Lofirmo\'s acceptance mode). Sent as `ACEPTACION` (SI/NO).',
						},
					],
				},
			],
		},
		{
			displayName: 'Documents (JSON)',
			name: 'documentsJson',
			type: 'json',
			default: '[]',
			description:
				'Full control over `Documentos`: a JSON array of document objects in Lofirmo\'s format, e.g. [{"Tipo": "PLANTILLA", "PLANTILLA": "120958967", "ACEPTACION": "NO"}]. The vendor has published only the template form; use this for files and signature boxes as Lofirmo support describes them. Added after the Documents list.',
		},
		{
			displayName: 'Identity Verification',
			name: 'identityVerification',
			type: 'boolean',
			default: false,
			description:
				'Whether each signer is identified by video with their ID card before signing (Lofirmo must enable this service for your account). Sent as `Verificacionidentidad` (SI/NO).',
		},
		{
			displayName: 'Language',
			name: 'language',
			type: 'options',
			options: [
				{ name: 'English', value: 'en' },
				{ name: 'Portuguese', value: 'pt' },
				{ name: 'Spanish', value: 'es' },
			],
			default: 'es',
			description: 'Language of the signing pages. Sent as `Idioma`.',
		},
		{
			displayName: 'Maximum Checkboxes',
			name: 'maxCheckboxes',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 1,
			description:
				'If the documents have checkboxes, the most each signer may tick. Not less than Minimum Checkboxes. Sent as `Maximocheck`.',
		},
		messageField(
			'Text each signer receives with the signing link. It can use the signer\'s data as variables: [NOMBRE], [NIF] and any signer variable. Lofirmo has a default text if empty.',
		),
		{
			displayName: 'Minimum Checkboxes',
			name: 'minCheckboxes',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 1,
			description: 'If the documents have checkboxes, the fewest each signer must tick. Sent as `Minimocheck`.',
		},
		{
			displayName: 'Minimum Likeness %',
			name: 'minLikeness',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
			default: 80,
			description:
				'With Identity Verification: the least likeness (0-100) between the person and their ID photo for the contract to go on by itself; below it, it waits for your review in the panel. Sent as `Minparecidoverificacion`.',
		},
		keyValueField(
			{
				displayName: 'Personalization',
				name: 'personalization',
				placeholder: 'Add Variable',
				description:
					'Values that fill in the variables of the templates; those left out are filled in by the first signer. Sent as `Personalizacion`.',
			},
			'Template variable name, e.g. Nombre_de_Empresa',
		),
		{
			displayName: 'Reminder Interval (Days)',
			name: 'reminderInterval',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 3,
			description:
				'Days between reminders to signers who have not finished. At most 10 reminders go out; the contract expires after the last one unless the Deadline comes first. Sent as `Recordatorios`.',
		},
		{
			displayName: 'Requested Documents',
			name: 'requestedDocuments',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Requested Document',
			default: {},
			description:
				'Documents the signers must upload, e.g. a photo of their ID card. Sent as `Documentossolicitados`.',
			options: [
				{
					displayName: 'Requested Document',
					name: 'document',
					values: [
						{
							displayName: 'Text',
							name: 'text',
							type: 'string',
							default: '',
							placeholder: 'e.g. Please upload a photo of the front of your ID card',
							description: 'What the signer is asked to upload. Sent as `Texto`.',
						},
						{
							displayName: 'Requested From',
							name: 'from',
							type: 'options',
							options: [
								{
									name: 'Every Signer',
									value: 'all',
									description: 'Each signer uploads their own (sent as one request per signer)',
								},
								{ name: 'One Signer', value: 'one', description: 'Only the signer with the number below' },
							],
							default: 'all',
						},
						{
							displayName: 'Signer Number',
							name: 'signerNumber',
							type: 'number',
							typeOptions: { minValue: 1, numberPrecision: 0 },
							default: 1,
							displayOptions: { show: { from: ['one'] } },
							description: 'Position of the signer in the Signers list, starting at 1. Sent as `Firmante` (counted from 0).',
						},
					],
				},
			],
		},
		{
			displayName: 'Saved Workflow ID',
			name: 'workflowId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 238754787',
			description:
				'A Lofirmo workflow saved in your account (documents, signature type, …) to reuse. Values set here win over the workflow\'s, except Documents and Sender Signatures, which are added to it. Sent as `Flujotrabajo`.',
		},
		senderNameField,
		{
			displayName: 'Sender Signatures',
			name: 'senderSignatures',
			type: 'string',
			default: '',
			placeholder: 'e.g. 1865998, 1865999',
			description:
				'IDs of your signatures saved in Lofirmo to stamp on the documents after the signers sign, separated by commas. Sent as `Firmasemisor` ([{"ID": …}]).',
		},
		{
			displayName: 'Signature Type',
			name: 'signatureType',
			type: 'options',
			options: SIGNATURE_TYPES.map((value) => ({ name: `Type ${value}`, value })),
			default: '1',
			description:
				'How signers sign, by the vendor\'s number. The vendor has not published which number is which signature type in the text we have; check with Lofirmo. Sent as `Tipofirma`.',
		},
		{
			displayName: 'Signers Get the Signed Document',
			name: 'signersGetSignedDocument',
			type: 'boolean',
			default: true,
			description:
				'Whether each signer gets access to the final certificate with the signed document. Sent as `Accesible` (SI/NO).',
		},
		{
			displayName: 'User Reference',
			name: 'userReference',
			type: 'string',
			default: '',
			placeholder: 'e.g. CUSTOMER-1234',
			description:
				'Your own reference for the contract: searchable in the panel and sent back in every status report (trigger field "Referencia"). Sent as `Referenciausuario`.',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['sendContract'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const check = createChecks(this, itemIndex);
	const signers = readSigners(this, itemIndex, check);
	const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const given = (key: string) => !isBlank(extra[key]);

	const minChecks = given('minCheckboxes') ? check.integer('Minimum Checkboxes', extra.minCheckboxes, 0) : undefined;
	const maxChecks = given('maxCheckboxes') ? check.integer('Maximum Checkboxes', extra.maxCheckboxes, 0) : undefined;
	if (minChecks !== undefined && maxChecks !== undefined && minChecks > maxChecks) {
		throw check.fail(
			'Minimum Checkboxes is more than Maximum Checkboxes',
			`Minimum is ${minChecks} and maximum is ${maxChecks}: no signer could satisfy both. Lower the minimum or raise the maximum.`,
		);
	}

	const body = compact({
		Firmantes: signers,
		Flujotrabajo: check.text(extra.workflowId, 'Saved Workflow ID'),
		Firmasemisor: given('senderSignatures') ? senderSignatures(check, extra.senderSignatures) : undefined,
		Documentos: documents(check, extra),
		Documentossolicitados: requestedDocuments(check, extra.requestedDocuments, signers.length),
		Personalizacion: personalization(check, extra.personalization),
		Tipofirma: given('signatureType') ? check.oneOf('Signature Type', extra.signatureType, SIGNATURE_TYPES) : undefined,
		Remitente: given('senderName') ? check.senderName(extra.senderName) : undefined,
		Mensaje: given('message') ? check.message(extra.message) : undefined,
		Mediocomunicacion: given('communicationChannel')
			? check.oneOf('Communication Channel', extra.communicationChannel, CHANNELS)
			: undefined,
		Tipodocumento: check.text(extra.documentType, 'Document Type'),
		Verificacionidentidad: given('identityVerification')
			? check.yesNo('Identity Verification', extra.identityVerification)
			: undefined,
		Minparecidoverificacion: given('minLikeness') ? check.integer('Minimum Likeness %', extra.minLikeness, 0, 100) : undefined,
		Referenciausuario: check.text(extra.userReference, 'User Reference'),
		Accesible: given('signersGetSignedDocument')
			? check.yesNo('Signers Get the Signed Document', extra.signersGetSignedDocument)
			: undefined,
		Alternamedios: given('alternateChannels') ? check.yesNo('Alternate Channels', extra.alternateChannels) : undefined,
		Recordatorios: given('reminderInterval') ? check.integer('Reminder Interval (Days)', extra.reminderInterval, 1) : undefined,
		Fechalimite: given('deadline') ? check.deadline(extra.deadline) : undefined,
		Idioma: given('language') ? check.oneOf('Language', extra.language, LANGUAGES) : undefined,
		Minimocheck: minChecks,
		Maximocheck: maxChecks,
	});

	const data = await lofirmoApiRequest.call(this, 'sendContract', body, { itemIndex });
	return [
		{
			json: {
				contractId: textField(data, 'ContratoId'),
				reportId: textField(data, 'ReportId'),
				credits: numberField(data, 'Cred'),
				signers: numberField(data, 'Firmantes'),
				documents: numberField(data, 'Documentos'),
				raw: data,
			},
		},
	];
}

/** The signer list from the fields or from JSON, each checked the same way. */
function readSigners(ctx: IExecuteFunctions, itemIndex: number, check: Checks): IDataObject[] {
	const mode = ctx.getNodeParameter('signersInput', itemIndex, 'fields') as string;
	if (mode === 'json') {
		const list = check.objectList(
			'Signers (JSON)',
			ctx.getNodeParameter('signersJson', itemIndex, '[]'),
			'[{"Nombre": "Ana García", "Email": "ana@example.com"}]',
		);
		return checkSigners(check, list, 'json');
	}

	const rows = ((ctx.getNodeParameter('signers', itemIndex, {}) as IDataObject).signer ?? []) as IDataObject[];
	const signers = rows.map((row, index) => {
		const variables = keyValueObject(check, `Signer ${index + 1} Variables`, row.variables);
		const clash = Object.keys(variables).find((key) => SIGNER_KEYS.some((own) => own.toLowerCase() === key.toLowerCase()));
		if (clash !== undefined) {
			throw check.fail(
				`Signer ${index + 1} has a variable named "${clash}"`,
				`${SIGNER_KEYS.join(', ')} come from the signer's own fields; fill in those fields instead, or rename the variable.`,
			);
		}
		return { Nombre: row.name, NIF: row.taxId, Email: row.email, Telefono: row.mobile, ...variables };
	});
	return checkSigners(check, signers, 'fields');
}

/**
 * At least one signer; each with a name and an email or a mobile (Lofirmo needs a way to send the link).
 * Mobiles are normalised to international digits; keys are matched case-insensitively, as the API reads them.
 */
function checkSigners(check: Checks, signers: IDataObject[], mode: 'fields' | 'json'): IDataObject[] {
	const names =
		mode === 'json'
			? { list: 'Signers (JSON)', name: '"Nombre"', taxId: '"NIF"', email: '"Email"', mobile: '"Telefono"' }
			: { list: 'Signers', name: 'Name', taxId: 'Tax ID (NIF)', email: 'Email', mobile: 'Mobile' };
	if (signers.length === 0) {
		throw check.fail('No signers given', `Add at least one signer to ${names.list}.`);
	}
	return signers.map((signer, index) => {
		const label = `Signer ${index + 1}${mode === 'json' ? ' in Signers (JSON)' : ''}`;
		const entries: Array<[string, unknown]> = [];
		for (const [key, value] of Object.entries(signer)) {
			const own = SIGNER_KEYS.find((name) => name.toLowerCase() === key.toLowerCase());
			if (own !== undefined && isBlank(value)) continue;
			if (own === 'Email') entries.push([key, check.email(`${label} ${names.email}`, value)]);
			else if (own === 'Telefono') entries.push([key, check.mobile(`${label} ${names.mobile}`, value)]);
			else if (own === 'Nombre') entries.push([key, check.text(value, `${label} ${names.name}`)]);
			else if (own === 'NIF') entries.push([key, check.text(value, `${label} ${names.taxId}`)]);
			else entries.push([key, typeof value === 'string' ? value.trim() : value]);
		}
		// fromEntries defines own properties: a "__proto__" key stays a plain key (an assignment would set the
		// prototype, and the signer would then seem to have a name or an email it does not have)
		const result = Object.fromEntries(entries) as IDataObject;
		if (isBlank(getField(result, 'Nombre'))) {
			throw check.fail(`${label} has no name`, `Fill in ${names.name}: Lofirmo addresses each signer by name.`);
		}
		if (isBlank(getField(result, 'Email')) && isBlank(getField(result, 'Telefono'))) {
			throw check.fail(
				`${label} has neither an email nor a mobile`,
				`Fill in ${names.email} or ${names.mobile} (or both): Lofirmo sends the signing link there.`,
			);
		}
		return result;
	});
}

/** `Firmasemisor`: comma-separated IDs (or an array from an expression) → [{ "ID": 1865998 }]. */
function senderSignatures(check: Checks, value: unknown): IDataObject[] {
	const ids = (Array.isArray(value) ? value : check.text(value, 'Sender Signatures').split(','))
		.map((id) => check.text(id, 'Sender Signatures'))
		.filter((id) => id !== '');
	const bad = ids.find((id) => !/^\d+$/.test(id));
	if (bad !== undefined) {
		throw check.fail(`Sender Signatures has an invalid ID "${shown(bad, 20)}"`, 'Give the numeric IDs of your saved signatures, separated by commas, e.g. 1865998, 1865999.');
	}
	return ids.map((id) => ({ ID: Number(id) }));
}

/** `Documentos`: the templates listed, then whatever Documents (JSON) holds, as given. */
function documents(check: Checks, extra: IDataObject): IDataObject[] {
	const rows = ((extra.documents as IDataObject | undefined)?.template ?? []) as IDataObject[];
	const templates = rows.map((row, index) => {
		const id = check.required(`Document ${index + 1} Template ID`, row.templateId, 'Enter the ID of a template saved in your Lofirmo account, or remove the row.');
		return { Tipo: 'PLANTILLA', PLANTILLA: id, ACEPTACION: check.yesNo(`Document ${index + 1} Acceptance`, row.acceptance ?? false) };
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
function requestedDocuments(check: Checks, collection: unknown, signerCount: number): IDataObject[] {
	const rows = ((collection as IDataObject | undefined)?.document ?? []) as IDataObject[];
	return rows.flatMap((row, index) => {
		const label = `Requested Document ${index + 1}`;
		const Texto = check.required(`${label} Text`, row.text, 'Say what the signer must upload, or remove the row.');
		if ((row.from ?? 'all') === 'all') {
			return Array.from({ length: signerCount }, (_, signer) => ({ Texto, Firmante: String(signer) }));
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
