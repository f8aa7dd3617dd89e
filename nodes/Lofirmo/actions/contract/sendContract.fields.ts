/** Contract → Send: its Additional Fields. */
import { additionalFields, keyValueField, messageField, senderNameField } from '../common/fields';
import type { LofirmoProperties } from '../node.type';

export const SIGNATURE_TYPES = ['1', '2', '3', '4'] as const;
export const CHANNELS = ['1', '2', '3'] as const;
export const LANGUAGES = ['es', 'pt', 'en'] as const;

export const sendContractOptions: LofirmoProperties = [
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
				"The medium of the signing message, by the vendor's number. The vendor has not published which number is which medium in the text we have; check with Lofirmo. Sent as `Mediocomunicacion`.",
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
							description:
								'ID of a template saved in your Lofirmo account. Sent as `{"Tipo": "PLANTILLA", "PLANTILLA": "…"}`.',
						},
						{
							displayName: 'Acceptance',
							name: 'acceptance',
							type: 'boolean',
							default: false,
							description:
								"Whether this template is accepted rather than signed (Lofirmo's acceptance mode). Sent as `ACEPTACION` (SI/NO).",
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
			"Text each signer receives with the signing link. It can use the signer's data as variables: [NOMBRE], [NIF] and any signer variable. Lofirmo has a default text if empty.",
		),
		{
			displayName: 'Minimum Checkboxes',
			name: 'minCheckboxes',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 1,
			description:
				'If the documents have checkboxes, the fewest each signer must tick. Sent as `Minimocheck`.',
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
								{
									name: 'One Signer',
									value: 'one',
									description: 'Only the signer with the number below',
								},
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
							description:
								'Position of the signer in the Signers list, starting at 1. Sent as `Firmante` (counted from 0).',
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
				"A Lofirmo workflow saved in your account (documents, signature type, …) to reuse. Values set here win over the workflow's, except Documents and Sender Signatures, which are added to it. Sent as `Flujotrabajo`.",
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
				"How signers sign, by the vendor's number. The vendor has not published which number is which signature type in the text we have; check with Lofirmo. Sent as `Tipofirma`.",
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
