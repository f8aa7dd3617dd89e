/**
 * Every operation of the Lofirmo node over real HTTP against the local sandbox, including the whole story of a
 * contract (send → sign → certify → status 1014 → both PDFs) and of an identity verification (send → complete →
 * certificate), and proof that a refused input never reaches Lofirmo.
 */
import { NodeApiError, NodeOperationError, type INodeExecutionData } from 'n8n-workflow';

import { isPdf } from '../../helpers/pdf';
import { binaryBuffer } from '../../helpers/n8n-context';
import { useSandbox } from '../../helpers/sandbox';
import { failure, run as runNode } from './support';

const env = useSandbox();

type Parameters = Record<string, unknown>;

/** The sandbox account's credits now. */
const credits = () => env.sb.state.credits();

function run(
	parameters: Parameters | ((itemIndex: number) => Parameters),
	items?: INodeExecutionData[],
	continueOnFail = false,
) {
	return runNode(parameters, { credentials: env.credentials, items, continueOnFail }).output;
}

async function one(parameters: Parameters): Promise<INodeExecutionData> {
	const [[item]] = await run(parameters);
	return item;
}

const signers = {
	signer: [
		{ name: 'Ana García', taxId: '00000000T', email: 'ana@example.com', mobile: '+34 600 000 001' },
		{
			name: 'Pedro Pérez',
			mobile: '34600000002',
			variables: { variable: [{ name: 'Empresa', value: 'ACME' }] },
		},
	],
};

async function sendContract(additionalFields: Parameters = {}) {
	return one({
		resource: 'contract',
		operation: 'sendContract',
		signersInput: 'fields',
		signers,
		additionalFields,
	});
}

function contractOp(operation: string, sent: INodeExecutionData, extra: Parameters = {}) {
	return {
		resource: 'contract',
		operation,
		contractId: sent.json.contractId,
		reportId: sent.json.reportId,
		...extra,
	};
}

function expectValidPdf(buffer: Buffer) {
	expect(buffer.subarray(0, 5).toString('latin1')).toBe('%PDF-');
	expect(buffer.subarray(-1024).toString('latin1')).toContain('%%EOF');
	expect(isPdf(buffer)).toBe(true);
}

it('runs the whole story of a contract: send, sign, certify, status 1014, both PDFs', async () => {
	const creditsBefore = credits();
	const sent = await sendContract({
		senderName: 'MiEmpresa',
		message: 'Hola [NOMBRE] de [EMPRESA], firme aquí: [LINK]',
		reminderInterval: 14,
		deadline: '2099-12-31T00:00:00',
		requestedDocuments: { document: [{ text: 'Foto del DNI', from: 'all' }] },
		userReference: 'n8n-integration',
	});
	expect(sent.json).toMatchObject({ signers: 2, documents: 0 });
	expect(sent.json.contractId).toEqual(expect.stringMatching(/^\d+$/));
	expect(sent.json.reportId).toEqual(expect.stringMatching(/^\d+$/));
	expect(sent.json.credits).toBe(credits());
	expect(credits()).toBeLessThan(creditsBefore);

	const [request] = env.sb.requests;
	expect(request).toMatchObject({ fn: 'sendContract', auth: 'ok' });
	expect(request.params).toMatchObject({
		firmantes: [
			{ Nombre: 'Ana García', NIF: '00000000T', Email: 'ana@example.com', Telefono: '34600000001' },
			{ Nombre: 'Pedro Pérez', Telefono: '34600000002', Empresa: 'ACME' },
		],
		documentossolicitados: [
			{ Texto: 'Foto del DNI', Firmante: '0' },
			{ Texto: 'Foto del DNI', Firmante: '1' },
		],
		remitente: 'MiEmpresa',
		recordatorios: 14,
		fechalimite: '2099-12-31',
		referenciausuario: 'n8n-integration',
		resp: 'JSON',
	});

	const id = String(sent.json.contractId);
	const pending = await one(contractOp('contractStatus', sent));
	expect(pending.json).toMatchObject({
		contractId: id,
		status: '11',
		statusLabel: null,
		signers: 2,
		signed: 0,
	});

	await env.sb.signContract(id);
	expect((await one(contractOp('contractStatus', sent))).json).toMatchObject({
		signed: 1,
		status: '11',
	});

	// not certified yet: Lofirmo answers with an error code, not a PDF
	const early = await failure(
		run(
			contractOp('downloadContractPdf', sent, {
				document: 'CERTIFICADO',
				binaryPropertyName: 'data',
			}),
		),
	);
	expect(early).toBeInstanceOf(NodeApiError);
	expect(early.message).toMatch(/Res -\d+/);

	await env.sb.certifyContract(id);
	const certified = await one(contractOp('contractStatus', sent));
	expect(certified.json).toMatchObject({
		contractId: id,
		status: '1014',
		statusLabel: 'Signed and certified',
		signers: 2,
		signed: 2,
		credits: credits(),
	});
	expect(certified.json.sentAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
	expect(certified.json.signedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

	for (const [document, suffix] of [
		['CERTIFICADO', ''],
		['FIRMANTE', '-signer-copy'],
	]) {
		const item = await one(
			contractOp('downloadContractPdf', sent, { document, binaryPropertyName: 'pdf' }),
		);
		const pdf = binaryBuffer(item, 'pdf');
		expectValidPdf(pdf);
		expect(pdf.toString('latin1')).toContain(`Doc: ${document}`);
		expect(item.binary!.pdf).toMatchObject({
			mimeType: 'application/pdf',
			fileName: `lofirmo-contract-${id}${suffix}.pdf`,
		});
		expect(item.json).toMatchObject({ contractId: id, document, fileSize: pdf.length });
	}
});

it('sends every optional field in a form Lofirmo accepts', async () => {
	const sent = await sendContract({
		workflowId: '238754787',
		senderSignatures: '1865998',
		documents: { template: [{ templateId: '120958967', acceptance: false }] },
		documentsJson: [{ Tipo: 'PLANTILLA', PLANTILLA: '120958968', ACEPTACION: 'SI' }],
		requestedDocuments: { document: [{ text: 'Nómina', from: 'one', signerNumber: 2 }] },
		personalization: { variable: [{ name: 'CIF', value: 'B800000000' }] },
		signatureType: '3',
		communicationChannel: '1',
		documentType: 'Contrato',
		identityVerification: true,
		minLikeness: 80,
		signersGetSignedDocument: true,
		alternateChannels: true,
		language: 'pt',
		minCheckboxes: 0,
		maxCheckboxes: 3,
	});
	expect(sent.json.documents).toBe(2);
	expect(env.sb.requests[0].params).toMatchObject({
		firmasemisor: [{ ID: 1865998 }],
		documentossolicitados: [{ Texto: 'Nómina', Firmante: '1' }],
		personalizacion: { CIF: 'B800000000' },
		tipofirma: '3',
		verificacionidentidad: 'SI',
		idioma: 'pt',
		minimocheck: 0,
		maximocheck: 3,
	});
});

it('takes the signers as JSON mapped from a previous node', async () => {
	const sent = await one({
		resource: 'contract',
		operation: 'sendContract',
		signersInput: 'json',
		signersJson: [{ Nombre: 'Ana', Email: 'ana@example.com', Cargo: 'CEO' }],
	});
	expect(sent.json.signers).toBe(1);
	expect(env.sb.requests[0].params.firmantes).toEqual([
		{ Nombre: 'Ana', Email: 'ana@example.com', Cargo: 'CEO' },
	]);
});

it('continues the signature flow, and shows the vendor limit of 2 per day as an error', async () => {
	const sent = await sendContract();
	for (let i = 0; i < 2; i++) {
		expect((await one(contractOp('continueFlow', sent))).json).toMatchObject({
			contractId: sent.json.contractId,
			continued: true,
		});
	}
	const third = await failure(run(contractOp('continueFlow', sent)));
	expect(third).toBeInstanceOf(NodeApiError);
	expect(third.message).toContain(`Res ${env.sb.requests[env.sb.requests.length - 1].res}`);
});

it('cancels a contract and reports the credits', async () => {
	const sent = await sendContract();
	const cancelled = await one(contractOp('cancelContract', sent));
	expect(cancelled.json).toMatchObject({
		contractId: sent.json.contractId,
		cancelled: true,
		credits: credits(),
	});
	const status = await one(contractOp('contractStatus', sent));
	expect(status.json.status).not.toBe('11');
	// a second cancel is refused by Lofirmo, and the error says so
	expect((await failure(run(contractOp('cancelContract', sent)))).message).toMatch(/Res -\d+/);
});

it('runs the whole story of an identity verification: send, complete, certificate', async () => {
	const sent = await one({
		resource: 'identityVerification',
		operation: 'sendIdentity',
		mobile: '+34 600 000 003',
		additionalFields: {
			message: 'Verifique su identidad: [LINK]',
			expectedIdNumber: '12345678Z',
			scheduledFor: '2030-07-01T13:10:00Z',
			senderName: 'MiEmpresa',
		},
	});
	expect(sent.json).toMatchObject({ credits: credits(), scheduledFor: '2030-07-01 15:10' });
	const id = String(sent.json.verificationId);
	expect(id).toMatch(/^\d+$/);
	expect(env.sb.requests[0].params).toMatchObject({
		telefono: '34600000003',
		mensaje: 'Verifique su identidad: [LINK]',
		dni: '12345678Z',
		fecha: '2030-07-01 15:10',
		remitente: 'MiEmpresa',
	});

	const download = {
		resource: 'identityVerification',
		operation: 'downloadIdentityCertificate',
		verificationId: id,
		binaryPropertyName: 'data',
	};
	expect((await failure(run(download))).message).toMatch(/Res -\d+/);

	await env.sb.completeIdentity(id);
	const item = await one(download);
	const pdf = binaryBuffer(item);
	expectValidPdf(pdf);
	expect(item.binary!.data).toMatchObject({
		mimeType: 'application/pdf',
		fileName: `lofirmo-identity-${id}.pdf`,
	});
	expect(item.json).toMatchObject({ verificationId: id, fileSize: pdf.length });
});

it('gets the credits as a number, once for many items', async () => {
	const [items] = await run({ resource: 'account', operation: 'credits' }, [
		{ json: {} },
		{ json: {} },
	]);
	expect(items.map((item) => item.json.credits)).toEqual([credits(), credits()]);
	expect(env.sb.requests).toHaveLength(1);
});

it('with Continue On Fail, reports a failing item and runs the others', async () => {
	const sent = await sendContract();
	const [items] = await run(
		(i) => ({
			...contractOp('contractStatus', sent),
			reportId: i === 1 ? '1' : sent.json.reportId,
		}),
		[{ json: {} }, { json: {} }, { json: {} }],
		true,
	);
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items[0].json.status).toBe('11');
	expect(items[1].json.error).toMatch(/Res -\d+/);
	expect(items[2].json.status).toBe('11');
});

describe('refused input never reaches Lofirmo', () => {
	it.each<[string, Parameters]>([
		[
			'a contract with a long sender',
			{
				resource: 'contract',
				operation: 'sendContract',
				signers,
				additionalFields: { senderName: 'ABCDEFGHIJKL' },
			},
		],
		[
			'a contract message without [LINK]',
			{
				resource: 'contract',
				operation: 'sendContract',
				signers,
				additionalFields: { message: 'Hola' },
			},
		],
		[
			'a contract without signers',
			{ resource: 'contract', operation: 'sendContract', signers: {} },
		],
		[
			'a contract with broken signer JSON',
			{ resource: 'contract', operation: 'sendContract', signersInput: 'json', signersJson: '[{' },
		],
		[
			'a contract with min over max checkboxes',
			{
				resource: 'contract',
				operation: 'sendContract',
				signers,
				additionalFields: { minCheckboxes: 2, maxCheckboxes: 1 },
			},
		],
		[
			'a status without report ID',
			{ resource: 'contract', operation: 'contractStatus', contractId: '1', reportId: '' },
		],
		[
			'a cancel with a non-numeric report ID',
			{ resource: 'contract', operation: 'cancelContract', contractId: '1', reportId: 'x' },
		],
		[
			'a continue without contract ID',
			{ resource: 'contract', operation: 'continueFlow', contractId: '', reportId: '1' },
		],
		[
			'a download of an unknown document',
			{
				resource: 'contract',
				operation: 'downloadContractPdf',
				contractId: '1',
				reportId: '1',
				document: 'X',
				binaryPropertyName: 'data',
			},
		],
		[
			'an identity request to a bad mobile',
			{
				resource: 'identityVerification',
				operation: 'sendIdentity',
				mobile: '600',
				additionalFields: {},
			},
		],
		[
			'an identity request scheduled at no date',
			{
				resource: 'identityVerification',
				operation: 'sendIdentity',
				mobile: '34600000001',
				additionalFields: { scheduledFor: 'soon' },
			},
		],
		[
			'a certificate without ID',
			{
				resource: 'identityVerification',
				operation: 'downloadIdentityCertificate',
				verificationId: '',
				binaryPropertyName: 'data',
			},
		],
	])('%s', async (_, parameters) => {
		const before = credits();
		const error = await failure(run({ signersInput: 'fields', ...parameters }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(env.sb.requests).toHaveLength(0);
		expect(credits()).toBe(before);
	});
});
