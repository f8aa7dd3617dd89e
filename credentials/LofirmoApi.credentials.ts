import type {
	IAuthenticate,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { apiFunction as credits } from '../nodes/Lofirmo/actions/account/credits';
import { LOFIRMO_FUNCTIONS } from '../nodes/Lofirmo/actions/operations';
import { DEFAULT_BASE_URL } from '../nodes/Lofirmo/transport';

export class LofirmoApi implements ICredentialType {
	name = 'lofirmoApi';

	displayName = 'Lofirmo API';

	icon: Icon = { light: 'file:../icons/lofirmo.svg', dark: 'file:../icons/lofirmo.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-lofirmo#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API User',
			name: 'apiUser',
			type: 'string',
			default: '',
			required: true,
			description: 'In your Lofirmo panel under Your Data → Configure Account ("Usuario API")',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'In your Lofirmo panel under Your Data → Configure Account ("API Token")',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			required: true,
			description:
				'Where the Lofirmo API functions live. The vendor has not published the address for API 3.x; change it if Lofirmo support gives you another one, or point it at the local sandbox for testing.',
		},
		{
			displayName: 'Path Overrides',
			name: 'pathOverrides',
			type: 'json',
			default: '{}',
			description:
				'Optional. A JSON object that replaces the path of any function, e.g. {"contractStatus": "/EstadoContrato"}. Keys: ' +
				Object.keys(LOFIRMO_FUNCTIONS).join(', ') +
				'. Only the send paths are published by the vendor; see the package README for the others.',
		},
	];

	// n8n adds HTTP Basic auth to every request; node code never handles the token.
	// A function rather than the declarative `{ auth: { username: '={{$credentials.apiUser}}', … } }`: n8n would
	// evaluate those two expressions (in n8n 2.x, inside its expression sandbox) on every request, which costs more
	// than the request itself when a node sends thousands of items.
	authenticate: IAuthenticate = async (credentials, requestOptions) => ({
		...requestOptions,
		auth: {
			username: String(credentials.apiUser ?? ''),
			password: String(credentials.apiToken ?? ''),
		},
	});

	// A real call to the credits function: it costs nothing and fails with 401 on a wrong user or token. Its path
	// follows Path Overrides as resolvePath does (bad JSON ignored, a leading slash added; a unit test compares the
	// two, evaluating this with n8n-workflow's own expression evaluator). Written out rather than resolvePath.toString(): n8n's expression
	// parser refuses `catch {}` ("null does not match type Pattern") and its sandbox blocks computed keys (`map[key]`).
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url:
				'={{ (function (overrides) { var map = overrides; if (typeof overrides === "string") { try { map = overrides.trim() === "" ? {} : JSON.parse(overrides); } catch (notJson) { map = {}; } } ' +
				`var custom = map && typeof map === "object" ? map.${credits.key} : undefined; ` +
				`var path = typeof custom === "string" && custom.trim() !== "" ? custom.trim() : ${JSON.stringify(credits.path)}; ` +
				'return path.charAt(0) === "/" ? path : "/" + path; })($credentials.pathOverrides) }}',
			body: { Resp: 'JSON' },
			json: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Lofirmo refused this API User and API Token: copy both again from Your Data → Configure Account',
				},
			},
		],
	};
}
