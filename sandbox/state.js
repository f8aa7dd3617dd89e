// @ts-check
// Accounts, credits, contracts and identity requests, and what each vendor function and control action does to them.
// No I/O here: results say what to answer and which report (webhook payload) a change produced.
const crypto = require('crypto');

const { ApiError, ControlError, RES, STATUS } = require('./codes');
const { checkSendContract, checkSendIdentity, choice, string } = require('./params');
const { makePdfParts } = require('./pdf');

/** @typedef {import('./codes').FunctionKey} FunctionKey */
/** @typedef {import('./params').Params} Params */
/** @typedef {{ user: string, token: string, credits?: number }} AccountOption */
/** @typedef {{ user: string, credits: number }} Account */
/** @typedef {{ contractPerSigner: number, identity: number }} Costs */
/** @typedef {Record<string, string>} Report a webhook payload: every value a string, as in the vendor's examples */

/**
 * @typedef {object} Contract
 * @property {string} id ContratoId
 * @property {string} reportId
 * @property {string} user account that sent it
 * @property {Params} params the request's parameters, as parsed
 * @property {string} status
 * @property {string} sentAt `YYYY-MM-DD HH:MM`, Spain time
 * @property {string} signedAt last signature, '' until the first
 * @property {number} signers
 * @property {number} signed
 * @property {number} documents
 * @property {{ day: string, count: number }} continues continue-flow calls on one Spain-time day
 */

/**
 * @typedef {object} IdentityRequest
 * @property {string} id
 * @property {string} user
 * @property {Params} params
 * @property {string} phone
 * @property {string} requestedDni `Dni` sent, '' if none
 * @property {string} status
 * @property {string} sentAt
 * @property {string} updatedAt
 * @property {string} dniFront document number read on the front, '' until known
 * @property {string} dniBack
 * @property {object | null} access `Acceso`, null until known (the same for the next three)
 * @property {object | null} position `Posicion`
 * @property {object | null} device `Dispositivo`
 * @property {object | null} result `Result`
 */

/**
 * @typedef {object} Outcome what a vendor function answers
 * @property {Record<string, string>} [fields] the JSON answer's fields
 * @property {{ parts: Buffer[], filename: string }} [pdf] a PDF answer instead
 * @property {Report} [report] the status change to report to the webhook
 */

const SPAIN_TIME = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/Madrid',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23',
});

/**
 * Now in Spain time, the vendor's reference: `YYYY-MM-DD HH:MM`, or with seconds.
 * @param {boolean} [withSeconds]
 */
function spainTime(withSeconds = false) {
	/** @type {Record<string, string>} */
	const p = {};
	for (const { type, value } of SPAIN_TIME.formatToParts(new Date())) p[type] = value;
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
}

/** @param {string} text */
function digest(text) {
	return crypto.createHash('sha256').update(text).digest();
}

class SandboxState {
	/** @type {Map<string, Contract>} */
	contracts = new Map();
	/** @type {Map<string, IdentityRequest>} */
	identities = new Map();
	/** @type {Map<string, Account>} */
	accounts = new Map();
	/** @type {Map<string, Buffer>} user → digest of the token (compared in constant time) */
	#tokens = new Map();
	/** @type {Set<string>} every id handed out: contract, report and identity ids share one space, as they look alike */
	#ids = new Set();
	/** @type {AccountOption[]} */
	#initialAccounts;
	#costs;
	#pdfPadBytes;

	/**
	 * @param {{ accounts: AccountOption[], costs: Costs, pdfPadBytes: number }} options
	 */
	constructor({ accounts, costs, pdfPadBytes }) {
		if (accounts.length === 0) throw new Error('createSandbox: accounts must not be empty');
		for (const account of accounts) {
			if (!account.user || !account.token)
				throw new Error('createSandbox: each account needs a user and a token');
			this.#tokens.set(account.user, digest(account.token));
		}
		this.#initialAccounts = accounts;
		this.#costs = costs;
		this.#pdfPadBytes = pdfPadBytes;
		this.reset();
	}

	/** Forgets contracts and identity requests and restores every account's initial credits. */
	reset() {
		this.contracts.clear();
		this.identities.clear();
		this.#ids.clear();
		this.accounts.clear();
		for (const { user, credits = 1000 } of this.#initialAccounts)
			this.accounts.set(user, { user, credits });
	}

	/**
	 * Credits of an account (the first one by default).
	 * @param {string} [user]
	 */
	credits(user = this.#initialAccounts[0].user) {
		const account = this.accounts.get(user);
		if (!account) throw new Error(`no sandbox account "${user}"`);
		return account.credits;
	}

	/**
	 * Checks an Authorization header (HTTP Basic, API User : API Token).
	 * @param {string | undefined} header
	 * @returns {{ auth: 'ok' | 'missing' | 'bad', account: Account | null }}
	 */
	authenticate(header) {
		const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
		if (!match) return { auth: header ? 'bad' : 'missing', account: null };
		const decoded = Buffer.from(match[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		const user = decoded.slice(0, colon);
		const expected = this.#tokens.get(user);
		const account = this.accounts.get(user);
		if (
			colon < 0 ||
			!expected ||
			!account ||
			!crypto.timingSafeEqual(expected, digest(decoded.slice(colon + 1)))
		) {
			return { auth: 'bad', account: null };
		}
		return { auth: 'ok', account };
	}

	/**
	 * Runs a vendor function for an authenticated account; throws ApiError on bad input or state.
	 * @param {FunctionKey} fn
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {Outcome}
	 */
	call(fn, account, params) {
		switch (fn) {
			case 'sendContract':
				return this.#sendContract(account, params);
			case 'continueFlow':
				return this.#continueFlow(account, params);
			case 'cancelContract':
				return this.#cancelContract(account, params);
			case 'contractStatus':
				return this.#contractStatus(account, params);
			case 'downloadContractPdf':
				return this.#downloadContractPdf(account, params);
			case 'credits':
				return { fields: { Res: RES.SENT, Cred: String(account.credits) } };
			case 'sendIdentity':
				return this.#sendIdentity(account, params);
			case 'downloadIdentityCertificate':
				return this.#downloadIdentityCertificate(account, params);
		}
	}

	/**
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {Outcome}
	 */
	#sendContract(account, params) {
		const { signers, documents } = checkSendContract(params);
		this.#charge(account, this.#costs.contractPerSigner * signers);
		/** @type {Contract} */
		const contract = {
			id: this.#newId(),
			reportId: this.#newId(),
			user: account.user,
			params,
			status: STATUS.CONTRACT_SENT,
			sentAt: spainTime(),
			signedAt: '',
			signers,
			signed: 0,
			documents,
			continues: { day: '', count: 0 },
		};
		this.contracts.set(contract.id, contract);
		return {
			fields: {
				Res: RES.SENT,
				ContratoId: contract.id,
				ReportId: contract.reportId,
				Cred: String(account.credits),
				Firmantes: String(signers),
				Documentos: String(documents),
			},
			report: contractReport(contract),
		};
	}

	/**
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {Outcome}
	 */
	#continueFlow(account, params) {
		const contract = this.#findContract(account, params);
		if (isFinished(contract)) throw finishedError(contract);
		const today = spainTime().slice(0, 10);
		if (contract.continues.day !== today) contract.continues = { day: today, count: 0 };
		if (contract.continues.count >= 2) {
			throw new ApiError(
				RES.LIMIT,
				'Contratoid: the flow of this contract was already continued 2 times today',
			);
		}
		contract.continues.count += 1;
		return { fields: { Res: RES.OK } };
	}

	/**
	 * Cancels without refunding: the vendor does not say whether cancelling returns credits.
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {Outcome}
	 */
	#cancelContract(account, params) {
		const contract = this.#findContract(account, params);
		if (isFinished(contract)) throw finishedError(contract);
		contract.status = STATUS.CONTRACT_CANCELLED;
		return {
			fields: { Res: RES.OK, Cred: String(account.credits) },
			report: contractReport(contract),
		};
	}

	/**
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {Outcome}
	 */
	#contractStatus(account, params) {
		const contract = this.#findContract(account, params);
		return {
			fields: {
				Res: RES.OK,
				Estado: contract.status,
				FechaEnvio: contract.sentAt,
				FechaFirma: contract.signedAt,
				Firmantes: String(contract.signers),
				Firmados: String(contract.signed),
				Cred: String(account.credits),
			},
		};
	}

	/**
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {Outcome}
	 */
	#downloadContractPdf(account, params) {
		const doc = (choice(params, 'Doc', ['CERTIFICADO', 'FIRMANTE']) ?? 'CERTIFICADO').toUpperCase();
		const contract = this.#findContract(account, params);
		if (contract.status !== STATUS.CONTRACT_CERTIFIED) {
			throw new ApiError(
				RES.STATE,
				`Contratoid: not certified yet (Estado ${contract.status}); PDFs come at 1014`,
			);
		}
		const title = doc === 'CERTIFICADO' ? 'Contract certificate' : 'Signed document';
		return {
			pdf: {
				filename: `${contract.id}-${doc.toLowerCase()}.pdf`,
				parts: this.#pdf(`Lofirmo sandbox - ${title}`, [
					`ContratoID: ${contract.id}`,
					`ReportID: ${contract.reportId}`,
					`Doc: ${doc}`,
					`Sent: ${contract.sentAt}   Signed: ${contract.signedAt}`,
					`Signers: ${contract.signed} of ${contract.signers}`,
				]),
			},
		};
	}

	/**
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {Outcome}
	 */
	#sendIdentity(account, params) {
		const { phone, dni, scheduledAt } = checkSendIdentity(params);
		this.#charge(account, this.#costs.identity);
		const now = spainTime();
		/** @type {IdentityRequest} */
		const request = {
			id: this.#newId(),
			user: account.user,
			params,
			phone,
			requestedDni: dni,
			status: STATUS.IDENTITY_SENT,
			sentAt: scheduledAt ?? now,
			updatedAt: now,
			dniFront: '',
			dniBack: '',
			access: null,
			position: null,
			device: null,
			result: null,
		};
		this.identities.set(request.id, request);
		return {
			fields: { Res: RES.SENT, ID: request.id, Cred: String(account.credits) },
			report: identityReport(request),
		};
	}

	/**
	 * @param {Account} account
	 * @param {Params} params
	 * @returns {Outcome}
	 */
	#downloadIdentityCertificate(account, params) {
		const id = string(params, 'Id', { required: true }) ?? '';
		const request = this.identities.get(id);
		if (!request || request.user !== account.user)
			throw new ApiError(RES.UNKNOWN, `Id: no identity request ${id}`);
		if (request.status !== STATUS.IDENTITY_CERTIFIED) {
			throw new ApiError(
				RES.STATE,
				`Id: certificate not ready (Estado ${request.status}); it is ready at 5100`,
			);
		}
		return {
			pdf: {
				filename: `${request.id}-verificacion.pdf`,
				parts: this.#pdf('Lofirmo sandbox - Identity verification certificate', [
					`ID: ${request.id}`,
					`Telefono: ${request.phone}`,
					`DNI: ${request.dniFront}`,
					`Sent: ${request.sentAt}   Updated: ${request.updatedAt}`,
				]),
			},
		};
	}

	/**
	 * One more signer signs.
	 * @param {string} id
	 */
	signContract(id) {
		const contract = this.#controlContract(id);
		if (isFinished(contract))
			throw new ControlError(409, `contract ${id} is finished (Estado ${contract.status})`);
		if (contract.signed >= contract.signers)
			throw new ControlError(409, `every signer of contract ${id} has signed`);
		contract.signed += 1;
		contract.signedAt = spainTime();
		return { contract, report: contractReport(contract) };
	}

	/**
	 * Everyone signs and the contract is certified (1014).
	 * @param {string} id
	 */
	certifyContract(id) {
		const contract = this.#controlContract(id);
		if (isFinished(contract))
			throw new ControlError(409, `contract ${id} is finished (Estado ${contract.status})`);
		contract.signed = contract.signers;
		contract.signedAt = spainTime();
		contract.status = STATUS.CONTRACT_CERTIFIED;
		return { contract, report: contractReport(contract) };
	}

	/**
	 * @param {string} id
	 * @param {unknown} code any code, including ones the vendor never published
	 */
	setContractStatus(id, code) {
		const contract = this.#controlContract(id);
		contract.status = statusCode(code);
		return { contract, report: contractReport(contract) };
	}

	/**
	 * The person completes the verification: certificate ready (5100), with document and result data.
	 * @param {string} id
	 * @param {{ score?: unknown }} [options] likeness score 0-100
	 */
	completeIdentity(id, { score = 93.95784759521484 } = {}) {
		const request = this.#controlIdentity(id);
		if (typeof score !== 'number' || !(score >= 0 && score <= 100)) {
			throw new ControlError(400, 'score must be a number from 0 to 100');
		}
		if (request.status === STATUS.IDENTITY_CERTIFIED)
			throw new ControlError(409, `identity request ${id} is complete`);
		const dni = request.requestedDni || '00000000T';
		const now = spainTime(true);
		request.status = STATUS.IDENTITY_CERTIFIED;
		request.updatedAt = now.slice(0, 16);
		request.dniFront = dni;
		request.dniBack = dni;
		// shaped like the vendor's example, keys and (mis)spellings included
		request.access = { Fecha: now, IP: '192.0.2.10', Puerto: '11892' };
		request.position = {
			Direccion: 'C. de la Prueba, 1, 28001 Madrid, Spain',
			Coordenadas: { Longitud: '-3.6883', Latitud: '40.4280', Altura: 657.5, Precision: 15.2 },
		};
		request.device = {
			browser: 'Chrome 120.0.6099.144',
			SysOp: 'Android 14',
			displayResolution: '412 x 915',
		};
		request.result = {
			Resultado: score,
			DNIAnverso: dni,
			DNIReverso: dni,
			AnversoReversoCoinciden: 'Si',
			DNISolicitado: request.requestedDni,
			DNISolicitadoCoincide: request.requestedDni ? 'Si' : 'N/A',
			DNI: {
				Edad: 44,
				FechaNacimiento: '01/02/1981',
				DNI: dni,
				Nacionalidad: 'ESP',
				Pais: 'ESP',
				Nombre: 'PRUEBA SANDBOX,PERSONA',
				NumeroSerie: 'SBX00001',
				TipoDocumento: 'ID-1',
				Sexo: 'F',
				FechaExpira: '01/02/2031',
				Caducado: 'No',
			},
			ProcesoRelizadoMismaPersona: 'Si',
			Barba: 'No',
			Bigote: 'No',
			GafasLectura: 'No',
			GafasSol: 'No',
			Sexo: 'Mujer con probabilidad de 99.1%',
			RangoAparenteEdad: '38-50',
			Dispositivo: 'Android.v14-Chrome.v120.0.6099.144',
			ParecidoPersonaDNI: score,
			PruebaDeVida: 'Si',
		};
		return { identity: request, report: identityReport(request) };
	}

	/**
	 * @param {string} id
	 * @param {unknown} code
	 */
	setIdentityStatus(id, code) {
		const request = this.#controlIdentity(id);
		request.status = statusCode(code);
		request.updatedAt = spainTime();
		return { identity: request, report: identityReport(request) };
	}

	/** Everything, for `GET /_sandbox/state` (tokens are never part of it). */
	toJSON() {
		return {
			accounts: [...this.accounts.values()],
			contracts: [...this.contracts.values()],
			identities: [...this.identities.values()],
		};
	}

	/**
	 * @param {Account} account
	 * @param {number} cost
	 */
	#charge(account, cost) {
		if (account.credits < cost) {
			throw new ApiError(
				RES.CREDITS,
				`Cred: not enough credits (${account.credits} left, ${cost} needed)`,
			);
		}
		account.credits -= cost;
	}

	/**
	 * The contract named by `Contratoid` + `Reportid`, if it belongs to the account.
	 * @param {Account} account
	 * @param {Params} params
	 */
	#findContract(account, params) {
		const id = string(params, 'Contratoid', { required: true });
		const reportId = string(params, 'Reportid', { required: true });
		const contract = this.contracts.get(id ?? '');
		if (!contract || contract.user !== account.user)
			throw new ApiError(RES.UNKNOWN, `Contratoid: no contract ${id}`);
		if (contract.reportId !== reportId) {
			throw new ApiError(
				RES.UNKNOWN,
				`Reportid: ${reportId} is not the ReportId of contract ${id}`,
			);
		}
		return contract;
	}

	/** @param {string} id */
	#controlContract(id) {
		const contract = this.contracts.get(id);
		if (!contract) throw new ControlError(404, `no contract ${id}`);
		return contract;
	}

	/** @param {string} id */
	#controlIdentity(id) {
		const request = this.identities.get(id);
		if (!request) throw new ControlError(404, `no identity request ${id}`);
		return request;
	}

	/** A fresh 10-digit id, like the vendor's. */
	#newId() {
		for (;;) {
			const id = String(crypto.randomInt(1_000_000_000, 10_000_000_000));
			if (!this.#ids.has(id)) {
				this.#ids.add(id);
				return id;
			}
		}
	}

	/**
	 * @param {string} title
	 * @param {string[]} lines
	 */
	#pdf(title, lines) {
		const notice = 'Generated by the local Lofirmo sandbox for testing. Not a legal document.';
		return makePdfParts({ title, lines: [...lines, '', notice], padToBytes: this.#pdfPadBytes });
	}
}

/** @param {Contract} contract */
function isFinished(contract) {
	return (
		contract.status === STATUS.CONTRACT_CERTIFIED || contract.status === STATUS.CONTRACT_CANCELLED
	);
}

/** @param {Contract} contract */
function finishedError(contract) {
	return new ApiError(RES.STATE, `Contratoid: contract is finished (Estado ${contract.status})`);
}

/** @param {unknown} code */
function statusCode(code) {
	if ((typeof code !== 'string' && typeof code !== 'number') || String(code).trim() === '') {
		throw new ControlError(400, 'code must be a non-empty string or number');
	}
	return String(code).trim();
}

/**
 * The contract report (`Servicio: CONTRATACION`), keys and values as in the vendor's example.
 * @param {Contract} contract
 * @returns {Report}
 */
function contractReport(contract) {
	return {
		Servicio: 'CONTRATACION',
		ContratoID: contract.id,
		ReportID: contract.reportId,
		Resultado: contract.status,
		FechaEnvio: contract.sentAt,
		FechaFirma: contract.signedAt,
		NumFirmantes: String(contract.signers),
		NumFimados: String(contract.signed), // sic: the vendor's spelling
		Referencia: String(contract.params.referenciausuario ?? ''),
		TipoFirma: String(contract.params.tipofirma ?? ''),
	};
}

/**
 * The identity report (`Servicio: VERIFICACION_IDENTIDAD`); four fields are JSON-encoded strings, '' until known.
 * @param {IdentityRequest} request
 * @returns {Report}
 */
function identityReport(request) {
	/** @param {object | null} value */
	const encoded = (value) => (value ? JSON.stringify(value) : '');
	return {
		Servicio: 'VERIFICACION_IDENTIDAD',
		ID: request.id,
		FechaEnvio: request.sentAt,
		Estado: request.status,
		UltimaActualizacion: request.updatedAt,
		Acceso: encoded(request.access),
		Telefono: request.phone,
		DNIAnverso: request.dniFront,
		DNIReverso: request.dniBack,
		DNISolicitado: request.requestedDni,
		Posicion: encoded(request.position),
		Dispositivo: encoded(request.device),
		Result: encoded(request.result),
	};
}

module.exports = { SandboxState };
