/**
 * The vendor's own example reports, copied verbatim from its documentation (/work/shared/seeds: contracts API 3.1,
 * identity verification API 3.0, "real-time reception of statuses"), and the bodies n8n 2.x hands a webhook node
 * for each way Lofirmo can send them.
 */
import { parse as parseQueryString } from 'querystring';

/** Contract report example (contracts API 3.1), as the JSON text Lofirmo posts. */
export const CONTRACT_REPORT_JSON = String.raw`{
	"Servicio": "CONTRATACION",
	"ContratoID": "ASYYFRE5492-HN776TFD",
	"ReportID": "299846332",
	"Resultado": "11",
	"FechaEnvio": "2021-10-10 10:10",
	"FechaFirma": "2021-10-10 10:10",
	"NumFirmantes": "2",
	"NumFimados": "1",
	"Referencia": "Su referencia si la indicó",
	"TipoFirma": "3"
}`;

/** Identity verification report example (identity verification API 3.0), as the JSON text Lofirmo posts. */
export const IDENTITY_REPORT_JSON = String.raw`{
	"Servicio": "VERIFICACION_IDENTIDAD",
	"ID": "299846332",
	"FechaEnvio": "2021-10-10 10:10",
	"Estado": "5001",
	"UltimaActualizacion": "2021-10-10 10:10",
	"Acceso": "{\"Fecha\":\"2021-09-04 19:37:21\",\"IP\":\"85.10.20.221\",\"Puerto\":\"11892\"}",
	"Telefono": "34600000000",
	"DNIAnverso": "00000000T",
	"DNIReverso": "00000000T",
	"DNISolicitado": "00000000T",
	"Posicion": "{\"Direccion\":\"C. de las calles, 8B, 28333 Madrid, Spain\",\"Coordenadas\":{\"Longitud\":\"-1.6592592\",\"Latitud\":\"4.4577993\",\"Altura\":75.70229058041491,\"Precision\":15.265999794006348}}",
	"Dispositivo": "{\"browser\":\"Chrome 92.0.4515.131\",\"SysOp\":\"Android 11\",\"displayResolution\":\"360 x 800\"}",
	"Result": "{\"Resultado\":93.957847595214844,\"DNIAnverso\":\"00000000T\",\"DNIReverso\":\"00000000T\",\"AnversoReversoCoinciden\":\"Si\",\"DNISolicitado\":\"\",\"DNISolicitadoCoincide\":\"N\\/A\",\"DNI\":{\"Edad\":66,\"FechaNacimiento\":\"18\\/12\\/1955\",\"DNI\":\"00000000T\",\"Nacionalidad\":\"ESP\",\"Pais\":\"ESP\",\"Nombre\":\"APARICIO GARCIA,RAFAEL\",\"NumeroSerie\":\"BGT78666\",\"TipoDocumento\":\"ID-1\",\"Sexo\":\"M\",\"FechaExpira\":\"19\\/10\\/2027\",\"Caducado\":\"No\"},\"ProcesoRelizadoMismaPersona\":\"Si\",\"Barba\":\"No\",\"Bigote\":\"No\",\"GafasLectura\":\"No\",\"GafasSol\":\"No\",\"Sexo\":\"Hombre con probabilidad de 99.599784851074%\",\"RangoAparenteEdad\":\"44-62\",\"Dispositivo\":\"Android.v11-Chrome.v92.0.4515.131\",\"ParecidoPersonaDNI\":93.957847595214844,\"PruebaDeVida\":\"Si\"}"
}`;

export type Fields = Record<string, string>;

export const CONTRACT_REPORT: Readonly<Fields> = JSON.parse(CONTRACT_REPORT_JSON);
export const IDENTITY_REPORT: Readonly<Fields> = JSON.parse(IDENTITY_REPORT_JSON);

export interface Delivery {
	headers: Record<string, string>;
	body: unknown;
	rawBody?: Buffer;
}

/**
 * What n8n 2.x makes of each kind of request (packages/cli: webhook-helpers `parseRequestBody`, body-parser
 * `parseBody`, webhook-form-data): JSON and urlencoded parsed (urlencoded with `querystring.parse`), multipart as
 * `{ data, files }`, and for a type it does not parse no body, only the raw bytes.
 */
/** The fields without one of them. */
export function without(fields: Readonly<Fields>, key: string): Fields {
	return Object.fromEntries(Object.entries(fields).filter(([name]) => name !== key));
}

/** Form fields as a sender makes them: text as is, anything else JSON-encoded (the vendor's rule for forms). */
function formText(fields: object): string {
	const pairs = Object.entries(fields).map(([key, value]): [string, string] => [
		key,
		typeof value === 'string' ? value : String(JSON.stringify(value)),
	]);
	return new URLSearchParams(pairs).toString();
}

export const deliveries = {
	json: (fields: object): Delivery => {
		const text = JSON.stringify(fields);
		return {
			headers: { 'content-type': 'application/json' },
			body: JSON.parse(text),
			rawBody: Buffer.from(text),
		};
	},
	form: (fields: object): Delivery => {
		const text = formText(fields);
		return {
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: parseQueryString(text),
			rawBody: Buffer.from(text),
		};
	},
	multipart: (fields: object): Delivery => ({
		headers: { 'content-type': 'multipart/form-data; boundary=----lofirmo' },
		body: { data: Object.fromEntries(new URLSearchParams(formText(fields))), files: {} },
	}),
	plainText: (fields: object): Delivery => {
		const text = JSON.stringify(fields);
		return { headers: { 'content-type': 'text/plain' }, body: text, rawBody: Buffer.from(text) };
	},
	untyped: (fields: object): Delivery => ({
		headers: { 'content-type': 'application/octet-stream' },
		body: undefined,
		rawBody: Buffer.from(formText(fields)),
	}),
};
