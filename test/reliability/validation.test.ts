/**
 * Input validation table (issue 8, suite 6): every documented input constraint of the Lofirmo node (the vendor's
 * documents in /work/shared/seeds, /work/shared/lofirmo-api.md, actions/common/checks.ts), with boundary values on
 * both sides, one test each. An invalid value stops the item with an error whose message names the field and whose
 * description says how to fix it, and no request at all (a send costs credits, bad calls count as spam). A valid
 * boundary value makes exactly one request, carrying the value as the API expects it.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toSpainDateTime } from '../../nodes/Lofirmo/shared/spainTime';
import { countFigures } from '../helpers/figures';
import { runNode, STUB_CREDENTIALS, stubLofirmo } from './support';

type Params = Record<string, unknown>;

interface Refused {
	/** What the message must say: the field's name and the problem. */
	refused: RegExp;
	/** What the description must say: the fix. */
	fix: RegExp;
}
interface Sent {
	/** Part of the request body, as the API expects it. */
	sent: IDataObject;
}
type Row = [title: string, parameters: Params, outcome: Refused | Sent];

const ana = { name: 'Ana García', email: 'ana@example.com' };

function contract(extra: Params = {}, signers: Params[] = [ana]): Params {
	return {
		resource: 'contract',
		operation: 'sendContract',
		signersInput: 'fields',
		signers: { signer: signers },
		...extra,
	};
}
const additional = (fields: Params, signers?: Params[]) =>
	contract({ additionalFields: fields }, signers);
const signer = (fields: Params) => contract({}, [{ ...ana, ...fields }]);
const signersJson = (json: string) => ({
	resource: 'contract',
	operation: 'sendContract',
	signersInput: 'json',
	signersJson: json,
});
const identity = (extra: Params = {}) => ({
	resource: 'identityVerification',
	operation: 'sendIdentity',
	mobile: '34600000001',
	...extra,
});
const identityExtra = (fields: Params) => identity({ additionalFields: fields });
const reference = (operation: string, extra: Params = {}) => ({
	resource: 'contract',
	operation,
	contractId: '1994779988',
	reportId: '1994779989',
	...extra,
});

const sent = (body: IDataObject): Sent => ({ sent: body });
const refused = (message: RegExp, fix: RegExp): Refused => ({ refused: message, fix });

/**
 * "Today" is a fixed instant (noon in Spain) for the node as for the rows built below, so a run crossing midnight in
 * Spain cannot turn today's row into yesterday's; only Date is faked (see beforeAll).
 */
const NOW = Date.parse('2026-06-15T10:00:00Z');
const spainDay = (offsetDays: number) =>
	toSpainDateTime(new Date(NOW + offsetDays * 86_400_000)).slice(0, 10);
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const digits = (count: number) => `34${'6'.repeat(count - 2)}`;

const CONTRACT_OPS = ['continueFlow', 'cancelContract', 'contractStatus', 'downloadContractPdf'];

const rows: Row[] = [
	// ---- Contract → Send: signers (Firmantes, required) ----
	[
		'Signers: none given is refused',
		contract({}, []),
		refused(/^No signers given$/, /Add at least one signer to Signers/),
	],
	[
		'Signers: one signer is sent',
		contract(),
		sent({ Firmantes: [{ Nombre: 'Ana García', Email: 'ana@example.com' }] }),
	],
	[
		'Signers (JSON): an empty list is refused',
		signersJson('[]'),
		refused(/^No signers given$/, /Signers \(JSON\)/),
	],
	[
		'Signers (JSON): one object counts as a list of one',
		signersJson('{"Nombre":"Ana","Email":"ana@example.com"}'),
		sent({ Firmantes: [{ Nombre: 'Ana', Email: 'ana@example.com' }] }),
	],
	[
		'Signer name: blank is refused',
		signer({ name: '  ' }),
		refused(/^Signer 1 has no name$/, /Fill in Name/),
	],
	[
		'Signer name: one character is sent',
		signer({ name: 'A' }),
		sent({ Firmantes: [{ Nombre: 'A', Email: 'ana@example.com' }] }),
	],
	[
		'Signer name: an object is refused',
		signer({ name: { first: 'Ana' } }),
		refused(/^Signer 1 Name must be a single value, not an object$/, /Map one value/),
	],
	[
		'Signer: neither email nor mobile is refused',
		signer({ email: '' }),
		refused(/^Signer 1 has neither an email nor a mobile$/, /Fill in Email or Mobile/),
	],
	[
		'Signer: a mobile alone is enough',
		signer({ email: '', mobile: '34600000001' }),
		sent({ Firmantes: [{ Nombre: 'Ana García', Telefono: '34600000001' }] }),
	],
	[
		'Signer (JSON): no "Nombre" is refused',
		signersJson('[{"Email":"ana@example.com"}]'),
		refused(/^Signer 1 in Signers \(JSON\) has no name$/, /Fill in "Nombre"/),
	],
	[
		'Signer email: a@b.co is sent',
		signer({ email: 'a@b.co' }),
		sent({ Firmantes: [{ Nombre: 'Ana García', Email: 'a@b.co' }] }),
	],
	[
		'Signer email: a@b (no dot in the domain) is refused',
		signer({ email: 'a@b' }),
		refused(/^Signer 1 Email is not a valid email address$/, /name@example\.com/),
	],
	[
		'Signer email: a space inside is refused',
		signer({ email: 'ana garcia@example.com' }),
		refused(/^Signer 1 Email is not a valid email address$/, /name@example\.com/),
	],
	[
		'Signer variables: a name clashing with Email is refused',
		signer({ variables: { variable: [{ name: 'email', value: 'x' }] } }),
		refused(/^Signer 1 has a variable named "email"$/, /rename the variable/),
	],
	[
		'Signer variables: [EMPRESA] is sent as EMPRESA',
		signer({ variables: { variable: [{ name: '[EMPRESA]', value: 'ACME' }] } }),
		sent({ Firmantes: [{ Nombre: 'Ana García', Email: 'ana@example.com', EMPRESA: 'ACME' }] }),
	],

	// ---- mobile numbers: international digits, 6 to 15, country code first ----
	[
		'Signer mobile: 6 digits is sent',
		signer({ mobile: digits(6) }),
		sent({ Firmantes: [{ Nombre: 'Ana García', Email: 'ana@example.com', Telefono: digits(6) }] }),
	],
	[
		'Signer mobile: 5 digits is refused',
		signer({ mobile: digits(5) }),
		refused(/^Signer 1 Mobile is not a valid mobile number$/, /international format/),
	],
	[
		'Identity mobile: 15 digits is sent',
		identity({ mobile: digits(15) }),
		sent({ Telefono: digits(15) }),
	],
	[
		'Identity mobile: 16 digits is refused',
		identity({ mobile: digits(16) }),
		refused(/^Mobile is not a valid mobile number$/, /international format/),
	],
	[
		'Identity mobile: "+34 600-000-001" is sent as 34600000001',
		identity({ mobile: '+34 600-000-001' }),
		sent({ Telefono: '34600000001' }),
	],
	[
		'Identity mobile: "(34) 600.000.001" is sent as 34600000001',
		identity({ mobile: '(34) 600.000.001' }),
		sent({ Telefono: '34600000001' }),
	],
	[
		'Identity mobile: a number from an expression is sent as digits',
		identity({ mobile: 34600000001 }),
		sent({ Telefono: '34600000001' }),
	],
	[
		'Identity mobile: a leading 00 is refused',
		identity({ mobile: '0034600000001' }),
		refused(/^Mobile is not a valid mobile number$/, /no leading 00/),
	],
	[
		'Identity mobile: a national number with a leading 0 is refused',
		identity({ mobile: '0600000001' }),
		refused(/^Mobile is not a valid mobile number$/, /country code/),
	],
	[
		'Identity mobile: letters are refused',
		identity({ mobile: '34600ABC001' }),
		refused(/^Mobile is not a valid mobile number$/, /international format/),
	],
	[
		'Identity mobile: blank is refused (required)',
		identity({ mobile: ' ' }),
		refused(/^Mobile is not a valid mobile number$/, /international format/),
	],

	// ---- Remitente: at most 11 characters (both sends) ----
	[
		'Sender Name (contract): 11 characters is sent',
		additional({ senderName: 'ABCDEFGHIJK' }),
		sent({ Remitente: 'ABCDEFGHIJK' }),
	],
	[
		'Sender Name (contract): 12 characters is refused',
		additional({ senderName: 'ABCDEFGHIJKL' }),
		refused(/^Sender Name is too long \(12 characters\)$/, /at most 11/),
	],
	[
		'Sender Name (identity): 11 characters is sent',
		identityExtra({ senderName: 'ABCDEFGHIJK' }),
		sent({ Remitente: 'ABCDEFGHIJK' }),
	],
	[
		'Sender Name (identity): 12 characters is refused',
		identityExtra({ senderName: 'ABCDEFGHIJKL' }),
		refused(/^Sender Name is too long \(12 characters\)$/, /at most 11/),
	],
	[
		'Sender Name: 11 characters between spaces is sent trimmed',
		identityExtra({ senderName: '  ABCDEFGHIJK  ' }),
		sent({ Remitente: 'ABCDEFGHIJK' }),
	],

	// ---- Mensaje: must contain [LINK] (both sends) ----
	[
		'Message (contract): just "[LINK]" is sent',
		additional({ message: '[LINK]' }),
		sent({ Mensaje: '[LINK]' }),
	],
	[
		'Message (contract): without [LINK] is refused',
		additional({ message: 'Firme aquí' }),
		refused(/^Message must contain \[LINK\]$/, /Add it to the message/),
	],
	[
		'Message (identity): with [LINK] is sent',
		identityExtra({ message: 'Verifique aquí: [LINK]' }),
		sent({ Mensaje: 'Verifique aquí: [LINK]' }),
	],
	[
		'Message (identity): "[link]" in lower case is refused',
		identityExtra({ message: 'Verifique: [link]' }),
		refused(/^Message must contain \[LINK\]$/, /in capitals/),
	],
	[
		'Message (identity): "[ LINK ]" is refused',
		identityExtra({ message: 'Verifique: [ LINK ]' }),
		refused(/^Message must contain \[LINK\]$/, /square brackets/),
	],

	// ---- Fechalimite: a day YYYY-MM-DD, not in the past ----
	[
		'Deadline: today (Spain) is sent',
		additional({ deadline: spainDay(0) }),
		sent({ Fechalimite: spainDay(0) }),
	],
	[
		'Deadline: yesterday (Spain) is refused',
		additional({ deadline: spainDay(-1) }),
		refused(/^Deadline is in the past$/, /Choose a later date/),
	],
	[
		'Deadline: 2096-02-29 (a leap day) is sent',
		additional({ deadline: '2096-02-29' }),
		sent({ Fechalimite: '2096-02-29' }),
	],
	[
		'Deadline: 2099-02-29 (no such day) is refused',
		additional({ deadline: '2099-02-29' }),
		refused(/^Deadline is not a valid date$/, /YYYY-MM-DD/),
	],
	[
		'Deadline: 31/12/2099 is refused',
		additional({ deadline: '31/12/2099' }),
		refused(/^Deadline is not a valid date$/, /YYYY-MM-DD/),
	],
	[
		"Deadline: the picker's 2099-12-31T00:00:00 is sent as the day",
		additional({ deadline: '2099-12-31T00:00:00' }),
		sent({ Fechalimite: '2099-12-31' }),
	],
	[
		'Deadline: an ISO date with an offset keeps the day as written',
		additional({ deadline: '2099-12-31T23:30:00-05:00' }),
		sent({ Fechalimite: '2099-12-31' }),
	],
	[
		'Deadline: an invalid Date from an expression is refused',
		additional({ deadline: new Date(Number.NaN) }),
		refused(/^Deadline is not a valid date$/, /Pick a date/),
	],

	// ---- Minparecidoverificacion: a whole number 0-100 ----
	[
		'Minimum Likeness %: 0 is sent',
		additional({ minLikeness: 0 }),
		sent({ Minparecidoverificacion: 0 }),
	],
	[
		'Minimum Likeness %: -1 is refused',
		additional({ minLikeness: -1 }),
		refused(
			/^Minimum Likeness % must be a whole number from 0 to 100$/,
			/Enter a whole number from 0 to 100/,
		),
	],
	[
		'Minimum Likeness %: 100 is sent',
		additional({ minLikeness: 100 }),
		sent({ Minparecidoverificacion: 100 }),
	],
	[
		'Minimum Likeness %: 101 is refused',
		additional({ minLikeness: 101 }),
		refused(/^Minimum Likeness % must be a whole number from 0 to 100$/, /Got "101"/),
	],
	[
		'Minimum Likeness %: 80.5 is refused',
		additional({ minLikeness: 80.5 }),
		refused(/^Minimum Likeness % must be a whole number from 0 to 100$/, /Got "80.5"/),
	],
	[
		'Minimum Likeness %: "80" from an expression is sent as a number',
		additional({ minLikeness: '80' }),
		sent({ Minparecidoverificacion: 80 }),
	],

	// ---- Recordatorios: days between reminders, a whole number from 1 (not capped at 10) ----
	[
		'Reminder Interval (Days): 1 is sent',
		additional({ reminderInterval: 1 }),
		sent({ Recordatorios: 1 }),
	],
	[
		'Reminder Interval (Days): 0 is refused',
		additional({ reminderInterval: 0 }),
		refused(
			/^Reminder Interval \(Days\) must be a whole number 1 or more$/,
			/Enter a whole number 1 or more/,
		),
	],
	[
		'Reminder Interval (Days): 14 is sent (10 is the number of reminders, not a bound)',
		additional({ reminderInterval: 14 }),
		sent({ Recordatorios: 14 }),
	],
	[
		'Reminder Interval (Days): 1.5 is refused',
		additional({ reminderInterval: 1.5 }),
		refused(/^Reminder Interval \(Days\) must be a whole number 1 or more$/, /Got "1.5"/),
	],

	// ---- Minimocheck / Maximocheck: whole numbers from 0, minimum not above maximum ----
	['Minimum Checkboxes: 0 is sent', additional({ minCheckboxes: 0 }), sent({ Minimocheck: 0 })],
	[
		'Minimum Checkboxes: -1 is refused',
		additional({ minCheckboxes: -1 }),
		refused(
			/^Minimum Checkboxes must be a whole number 0 or more$/,
			/Enter a whole number 0 or more/,
		),
	],
	['Maximum Checkboxes: 0 is sent', additional({ maxCheckboxes: 0 }), sent({ Maximocheck: 0 })],
	[
		'Maximum Checkboxes: -1 is refused',
		additional({ maxCheckboxes: -1 }),
		refused(
			/^Maximum Checkboxes must be a whole number 0 or more$/,
			/Enter a whole number 0 or more/,
		),
	],
	[
		'Checkboxes: minimum equal to maximum is sent',
		additional({ minCheckboxes: 2, maxCheckboxes: 2 }),
		sent({ Minimocheck: 2, Maximocheck: 2 }),
	],
	[
		'Checkboxes: minimum one above maximum is refused',
		additional({ minCheckboxes: 3, maxCheckboxes: 2 }),
		refused(
			/^Minimum Checkboxes is more than Maximum Checkboxes$/,
			/Lower the minimum or raise the maximum/,
		),
	],

	// ---- SI/NO flags ----
	[
		'Identity Verification: on is sent as SI',
		additional({ identityVerification: true }),
		sent({ Verificacionidentidad: 'SI' }),
	],
	[
		'Identity Verification: off is sent as NO',
		additional({ identityVerification: false }),
		sent({ Verificacionidentidad: 'NO' }),
	],
	[
		'Identity Verification: "yes" from an expression is sent as SI',
		additional({ identityVerification: 'yes' }),
		sent({ Verificacionidentidad: 'SI' }),
	],
	[
		'Identity Verification: "maybe" is refused',
		additional({ identityVerification: 'maybe' }),
		refused(
			/^Identity Verification must be true or false$/,
			/make the expression return true or false/,
		),
	],
	[
		'Signers Get the Signed Document: "no" is sent as NO',
		additional({ signersGetSignedDocument: 'no' }),
		sent({ Accesible: 'NO' }),
	],
	[
		'Signers Get the Signed Document: 2 is refused',
		additional({ signersGetSignedDocument: 2 }),
		refused(/^Signers Get the Signed Document must be true or false$/, /Turn the switch on or off/),
	],
	[
		'Alternate Channels: "sí" is sent as SI',
		additional({ alternateChannels: 'sí' }),
		sent({ Alternamedios: 'SI' }),
	],
	[
		'Alternate Channels: "on" is refused',
		additional({ alternateChannels: 'on' }),
		refused(/^Alternate Channels must be true or false$/, /Turn the switch on or off/),
	],
	[
		'Document Acceptance: on is sent as ACEPTACION SI',
		additional({ documents: { template: [{ templateId: '120958967', acceptance: true }] } }),
		sent({ Documentos: [{ Tipo: 'PLANTILLA', PLANTILLA: '120958967', ACEPTACION: 'SI' }] }),
	],
	[
		'Document Acceptance: "x" is refused',
		additional({ documents: { template: [{ templateId: '120958967', acceptance: 'x' }] } }),
		refused(/^Document 1 Acceptance must be true or false$/, /true or false/),
	],

	// ---- option values ----
	['Signature Type: 1 is sent', additional({ signatureType: '1' }), sent({ Tipofirma: '1' })],
	['Signature Type: 4 is sent', additional({ signatureType: '4' }), sent({ Tipofirma: '4' })],
	[
		'Signature Type: 0 is refused',
		additional({ signatureType: '0' }),
		refused(/^Signature Type has an unsupported value$/, /Use one of: 1, 2, 3, 4/),
	],
	[
		'Signature Type: 5 is refused',
		additional({ signatureType: '5' }),
		refused(/^Signature Type has an unsupported value$/, /Use one of: 1, 2, 3, 4/),
	],
	[
		'Communication Channel: 1 is sent',
		additional({ communicationChannel: '1' }),
		sent({ Mediocomunicacion: '1' }),
	],
	[
		'Communication Channel: 3 is sent',
		additional({ communicationChannel: 3 }),
		sent({ Mediocomunicacion: '3' }),
	],
	[
		'Communication Channel: 0 is refused',
		additional({ communicationChannel: '0' }),
		refused(/^Communication Channel has an unsupported value$/, /Use one of: 1, 2, 3/),
	],
	[
		'Communication Channel: 4 is refused',
		additional({ communicationChannel: '4' }),
		refused(/^Communication Channel has an unsupported value$/, /Use one of: 1, 2, 3/),
	],
	[
		'Communication Channel: "EMAIL" (the vendor example\'s word) is refused',
		additional({ communicationChannel: 'EMAIL' }),
		refused(/^Communication Channel has an unsupported value$/, /Use one of: 1, 2, 3/),
	],
	['Language: es is sent', additional({ language: 'es' }), sent({ Idioma: 'es' })],
	['Language: pt is sent', additional({ language: 'pt' }), sent({ Idioma: 'pt' })],
	['Language: "EN" is sent as en', additional({ language: 'EN' }), sent({ Idioma: 'en' })],
	[
		'Language: fr is refused',
		additional({ language: 'fr' }),
		refused(/^Language has an unsupported value$/, /Use one of: es, pt, en/),
	],
	[
		'Document (Download PDF): FIRMANTE is sent',
		reference('downloadContractPdf', { document: 'FIRMANTE' }),
		sent({ Doc: 'FIRMANTE' }),
	],
	[
		'Document (Download PDF): OTRO is refused',
		reference('downloadContractPdf', { document: 'OTRO' }),
		refused(/^Document has an unsupported value$/, /CERTIFICADO, FIRMANTE/),
	],

	// ---- lists built from rows ----
	[
		'Requested Document: signer number 1 is sent as Firmante "0"',
		additional({
			requestedDocuments: { document: [{ text: 'DNI', from: 'one', signerNumber: 1 }] },
		}),
		sent({ Documentossolicitados: [{ Texto: 'DNI', Firmante: '0' }] }),
	],
	[
		'Requested Document: signer number 0 is refused',
		additional({
			requestedDocuments: { document: [{ text: 'DNI', from: 'one', signerNumber: 0 }] },
		}),
		refused(
			/^Requested Document 1 Signer Number must be a whole number from 1 to 1$/,
			/Enter a whole number from 1 to 1/,
		),
	],
	[
		"Requested Document: the last signer's number is sent",
		additional(
			{ requestedDocuments: { document: [{ text: 'DNI', from: 'one', signerNumber: 2 }] } },
			[ana, { name: 'Luis', email: 'luis@example.com' }],
		),
		sent({ Documentossolicitados: [{ Texto: 'DNI', Firmante: '1' }] }),
	],
	[
		'Requested Document: one past the last signer is refused',
		additional(
			{ requestedDocuments: { document: [{ text: 'DNI', from: 'one', signerNumber: 3 }] } },
			[ana, { name: 'Luis', email: 'luis@example.com' }],
		),
		refused(
			/^Requested Document 1 Signer Number must be a whole number from 1 to 2$/,
			/from 1 to 2/,
		),
	],
	[
		'Requested Document: blank text is refused',
		additional({ requestedDocuments: { document: [{ text: ' ', from: 'all' }] } }),
		refused(/^Requested Document 1 Text is empty$/, /Say what the signer must upload/),
	],
	[
		'Documents: a blank template ID is refused',
		additional({ documents: { template: [{ templateId: '', acceptance: false }] } }),
		refused(/^Document 1 Template ID is empty$/, /Enter the ID of a template/),
	],
	[
		'Sender Signatures: "1865998, 1865999" is sent as IDs',
		additional({ senderSignatures: '1865998, 1865999' }),
		sent({ Firmasemisor: [{ ID: 1865998 }, { ID: 1865999 }] }),
	],
	[
		'Sender Signatures: "18a" is refused',
		additional({ senderSignatures: '1865998, 18a' }),
		refused(/^Sender Signatures has an invalid ID "18a"$/, /numeric IDs/),
	],
	[
		'Personalization: one variable is sent',
		additional({ personalization: { variable: [{ name: 'Empresa', value: 'ACME' }] } }),
		sent({ Personalizacion: { Empresa: 'ACME' } }),
	],
	[
		'Personalization: a variable without a name is refused',
		additional({ personalization: { variable: [{ name: ' ', value: 'ACME' }] } }),
		refused(/^Personalization has a variable without a name$/, /Give every variable a name/),
	],
	[
		'Personalization: the same name twice (any case) is refused',
		additional({
			personalization: {
				variable: [
					{ name: 'Empresa', value: 'A' },
					{ name: 'EMPRESA', value: 'B' },
				],
			},
		}),
		refused(/^Personalization has the variable "EMPRESA" twice$/, /case-insensitively/),
	],

	// ---- JSON fields ----
	[
		'Signers (JSON): text that is not JSON is refused',
		signersJson('[{"Nombre": "Ana",}]'),
		refused(/^Signers \(JSON\) is not valid JSON$/, /Check quotes, commas and brackets/),
	],
	[
		'Signers (JSON): a list of numbers is refused',
		signersJson('[1, 2]'),
		refused(/^Signers \(JSON\) must be an array of objects$/, /Give e\.g\. \[\{"Nombre"/),
	],
	[
		'Signers (JSON): 100 levels of nesting is sent',
		signersJson(`[{"Nombre":"Ana","Email":"ana@example.com","X":${nested(98)}}]`),
		sent({ Firmantes: [expect.objectContaining({ Nombre: 'Ana' })] as unknown as IDataObject[] }),
	],
	[
		'Signers (JSON): 101 levels of nesting is refused',
		signersJson(`[{"Nombre":"Ana","Email":"ana@example.com","X":${nested(99)}}]`),
		refused(/^Signers \(JSON\) is nested too deeply$/, /more than 100 levels/),
	],
	[
		'Documents (JSON): a template object is sent after the Documents list',
		additional({
			documents: { template: [{ templateId: '1' }] },
			documentsJson: '[{"Tipo":"PLANTILLA","PLANTILLA":"2","ACEPTACION":"NO"}]',
		}),
		sent({
			Documentos: [
				{ Tipo: 'PLANTILLA', PLANTILLA: '1', ACEPTACION: 'NO' },
				{ Tipo: 'PLANTILLA', PLANTILLA: '2', ACEPTACION: 'NO' },
			],
		}),
	],
	[
		'Documents (JSON): text that is not JSON is refused',
		additional({ documentsJson: '[{"Tipo": PLANTILLA}]' }),
		refused(/^Documents \(JSON\) is not valid JSON$/, /Check quotes, commas and brackets/),
	],
	[
		'Documents (JSON): a list of strings is refused',
		additional({ documentsJson: '["PLANTILLA"]' }),
		refused(/^Documents \(JSON\) must be an array of objects$/, /\{"Tipo": "PLANTILLA"/),
	],

	// ---- text fields given a whole object by an expression ----
	[
		'User Reference: text is sent',
		additional({ userReference: 'CUSTOMER-1' }),
		sent({ Referenciausuario: 'CUSTOMER-1' }),
	],
	[
		'User Reference: an object is refused',
		additional({ userReference: { id: 1 } }),
		refused(/^User Reference must be a single value, not an object$/, /Map one value/),
	],
	[
		'Saved Workflow ID: a list is refused',
		additional({ workflowId: ['238754787'] }),
		refused(/^Saved Workflow ID must be a single value, not a list$/, /Map one value/),
	],
	[
		'Expected ID Number: text is sent',
		identityExtra({ expectedIdNumber: ' 00000000T ' }),
		sent({ Dni: '00000000T' }),
	],

	// ---- Fecha of an identity request: YYYY-MM-DD HH:MM, Spain time ----
	[
		'Scheduled For: "2030-05-01 15:10" is sent as Spain time',
		identityExtra({ scheduledFor: '2030-05-01 15:10' }),
		sent({ Fecha: '2030-05-01 15:10' }),
	],
	[
		'Scheduled For: an ISO instant is converted to Spain time',
		identityExtra({ scheduledFor: '2030-05-01T13:10:00Z' }),
		sent({ Fecha: '2030-05-01 15:10' }),
	],
	[
		'Scheduled For: 23:59 is sent',
		identityExtra({ scheduledFor: '2030-05-01 23:59' }),
		sent({ Fecha: '2030-05-01 23:59' }),
	],
	[
		'Scheduled For: 24:00 is refused',
		identityExtra({ scheduledFor: '2030-05-01 24:00' }),
		refused(/^Scheduled For is not a valid date and time$/, /YYYY-MM-DD HH:MM/),
	],
	[
		'Scheduled For: 2030-02-30 is refused',
		identityExtra({ scheduledFor: '2030-02-30 10:00' }),
		refused(/^Scheduled For is not a valid date and time$/, /YYYY-MM-DD HH:MM/),
	],

	// ---- IDs: Contratoid (text, required), Reportid and Id (whole numbers, required) ----
	...CONTRACT_OPS.flatMap((op): Row[] => [
		[
			`${op}: Contract ID blank is refused`,
			reference(op, { contractId: ' ' }),
			refused(/^Contract ID is empty$/, /Map it from the output of Contract → Send/),
		],
		[
			`${op}: Report ID "12a" is refused`,
			reference(op, { reportId: '12a' }),
			refused(/^Report ID must be a whole number$/, /Got "12a"/),
		],
		[
			`${op}: Report ID " 12 " is sent as 12`,
			reference(op, { reportId: ' 12 ' }),
			sent({ Contratoid: '1994779988', Reportid: '12' }),
		],
	]),
	[
		'Download Certificate: Verification ID blank is refused',
		{
			resource: 'identityVerification',
			operation: 'downloadIdentityCertificate',
			verificationId: '',
		},
		refused(/^Verification ID is empty$/, /Identity Verification → Send Request/),
	],
	[
		'Download Certificate: Verification ID "1.5" is refused',
		{
			resource: 'identityVerification',
			operation: 'downloadIdentityCertificate',
			verificationId: '1.5',
		},
		refused(/^Verification ID must be a whole number$/, /Got "1.5"/),
	],
	[
		'Download Certificate: Verification ID 123 (a number) is sent',
		{
			resource: 'identityVerification',
			operation: 'downloadIdentityCertificate',
			verificationId: 123,
		},
		sent({ Id: '123' }),
	],
];

const isRefusal = (outcome: Refused | Sent): outcome is Refused => 'refused' in outcome;
const counts = countFigures(
	'validation',
	{
		refused: rows.filter(([, , outcome]) => isRefusal(outcome)).length,
		sent: rows.filter(([, , outcome]) => !isRefusal(outcome)).length,
	},
	(counted) => ({ cases: counted.refused + counted.sent, ...counted }),
);

beforeAll(() => {
	jest.useFakeTimers({
		now: NOW,
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
});
afterAll(() => jest.useRealTimers());

test.each(rows)('%s', async (_title, parameters, outcome) => {
	const run = await runNode(parameters, { credentials: STUB_CREDENTIALS, http: stubLofirmo });
	if (isRefusal(outcome)) {
		expect(run.calls).toHaveLength(0);
		expect(run.error).toBeInstanceOf(NodeOperationError);
		const error = run.error as NodeOperationError;
		expect(error.message).toMatch(outcome.refused);
		expect(error.description).toMatch(outcome.fix);
		expect(error.context.itemIndex).toBe(0);
		counts.refused++;
	} else {
		expect(run.error).toBeUndefined();
		expect(run.calls).toHaveLength(1);
		expect(run.calls[0].options.body).toMatchObject({ ...outcome.sent, Resp: 'JSON' });
		counts.sent++;
	}
});
