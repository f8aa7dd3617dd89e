/**
 * The Lofirmo node as an AI tool in the pinned real n8n, with the packed package, the sandbox, and no model and no
 * internet in the loop (one n8n start for both parts):
 *
 * - MCP: sample 4 (the MCP server `npm run dev` sets up) behind n8n's MCP Server Trigger, driven by a client built
 *   with the official MCP SDK. What a model sees (server instructions, tool names, descriptions, input schemas) is
 *   test/e2e/fixtures/sample-4-tools.json, so any change to it is a visible diff
 *   (LOFIRMO_UPDATE_FIXTURES=1 rewrites it). Each tool is called against the sandbox, which must receive exactly the
 *   request expected; the failure paths answer `isError` with our message: a validation error (nothing sent), an API
 *   error (the API's code), a refused credential (not repeated).
 * - AI Agent: n8n's AI Agent node with the OpenAI Chat Model node (typeVersion 1.3, "Use Responses API" off, so it
 *   calls Chat Completions) pointed by its credential's Base URL at a scripted stub (test/helpers/
 *   chat-completions-stub.ts) that calls our tool, then answers with what the tool returned.
 *
 *   npm run build && npx jest -c test/e2e/jest.config.js test/e2e/mcp.e2e.test.ts
 *   (both n8n lines when installed; LOFIRMO_E2E_N8N=2 or =1 picks one, as for the samples)
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import axios from 'axios';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	startChatCompletionsStub,
	type ChatCompletionsStub,
	type OfferedTool,
} from '../helpers/chat-completions-stub';
import { startSandbox, TOKEN, USER } from '../helpers/sandbox';
import {
	activateWorkflow,
	importCredentials,
	importWorkflows,
	resolveDataDir,
	setupOwner,
	startN8n,
	type N8nHandle,
	type N8nVersion,
} from '../../scripts/n8n-harness';
import {
	SAMPLE_CREDENTIALS,
	sampleN8nEnv,
	setupSamples,
	type SampleSetup,
} from '../../scripts/samples';
import {
	describeRow,
	expectPackageLoaded,
	requestsTo,
	WAIT_MS,
	type Sandbox,
} from './samples.support';

/** n8n (and its task broker on the next port), the sandbox and the model stub, per row; within 5760-5769. */
const PORTS: Record<N8nVersion, { n8n: number; sandbox: number; stub: number }> = {
	2: { n8n: 5760, sandbox: 5762, stub: 5763 },
	1: { n8n: 5764, sandbox: 5766, stub: 5767 },
};

/**
 * What sample 4 serves a model, per n8n line: 1.x has no server instructions and writes its schemas as JSON Schema
 * draft-07 (2.x: 2020-12); tool names, descriptions and arguments are the same.
 */
const fixture = (version: N8nVersion) =>
	path.join(__dirname, 'fixtures', `sample-4-tools.n8n-${version}.json`);

type ToolResult = { content: Array<{ type: string; text?: string }>; isError?: boolean };

interface Run {
	n8n: N8nHandle;
	sb: Sandbox;
	setup: SampleSetup;
	stub: ChatCompletionsStub;
	mcp: Client;
}

/** beforeAll: sandbox, model stub, n8n with the samples (sample 4 included) and the agent workflow, an MCP client. */
function useAiTools(version: N8nVersion): () => Run {
	const ports = PORTS[version];
	let current: Partial<Run> = {};
	beforeAll(async () => {
		const t0 = Date.now();
		current.sb = await startSandbox({}, ports.sandbox);
		current.stub = await startChatCompletionsStub(ports.stub);
		const dataDir = resolveDataDir(`mcp-v${version}`);
		const signedDir = path.join(dataDir, 'signed');
		current.n8n = await startN8n({
			version,
			port: ports.n8n,
			dataDir,
			fresh: true,
			env: sampleN8nEnv(signedDir),
		});
		const { n8n } = current;
		await setupOwner(n8n);
		current.setup = await setupSamples(n8n, { sandboxUrl: current.sb.url, signedDir });
		await importCredentials(n8n, [
			{
				...MODEL_CREDENTIAL,
				type: 'openAiApi',
				data: { apiKey: 'stub-key', url: current.stub.url },
			},
		]);
		await importWorkflows(n8n, [agentWorkflow()]);
		await activateWorkflow(n8n, AGENT_WORKFLOW_ID, agentUrl(n8n));
		current.mcp = await connect(current.setup);
		console.log(
			`n8n ${n8n.install.n8nVersion} ready in ${n8n.startupMs} ms; samples, agent and MCP client set up ${Date.now() - t0} ms after the start of the suite`,
		);
	}, 240_000);
	afterAll(async () => {
		await current.mcp?.close();
		await current.n8n?.stop();
		await current.stub?.stop();
		await current.sb?.stop();
		current = {};
	});
	beforeEach(() => current.sb?.clearFaults());
	return () => {
		const { n8n, sb, setup, stub, mcp } = current;
		if (!n8n || !sb || !setup || !stub || !mcp)
			throw new Error('not set up (see the beforeAll error)');
		return { n8n, sb, setup, stub, mcp };
	};
}

/** An MCP client (the official SDK, streamable HTTP) connected to sample 4 with its Bearer token. */
async function connect(setup: SampleSetup): Promise<Client> {
	const client = new Client({ name: 'lofirmo-e2e', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(new URL(setup.mcpServerUrl), {
		requestInit: { headers: { Authorization: `Bearer ${setup.mcpToken}` } },
	});
	await client.connect(transport, { timeout: WAIT_MS });
	return client;
}

async function callTool(
	run: Run,
	name: string,
	args: Record<string, unknown>,
): Promise<{ result: ToolResult; requests: Sandbox['requests'] }> {
	const from = run.sb.requests.length;
	const result = (await run.mcp.callTool({ name, arguments: args }, undefined, {
		timeout: WAIT_MS,
	})) as ToolResult;
	return { result, requests: run.sb.requests.slice(from) };
}

/** The one text of a tool's answer. */
function textOf(result: ToolResult): string {
	expect(result.content).toHaveLength(1);
	expect(result.content[0].type).toBe('text');
	return String(result.content[0].text);
}

/**
 * A failed tool answer's text without the error class n8n puts first ("NodeOperationError: " in 2.x, "Error: " in
 * 1.x): our message, a blank line, "Details: " and our description.
 */
function errorOf(result: ToolResult): string {
	const text = textOf(result);
	expect({ isError: result.isError, text }).toEqual({ isError: true, text: expect.any(String) });
	return text.replace(/^(NodeOperationError|Error): /, '');
}

/** A successful tool answer: the node's output items, as JSON text. */
function itemsOf(result: ToolResult): Array<Record<string, unknown>> {
	const text = textOf(result);
	if (result.isError) throw new Error(`the tool failed: ${text}`);
	return JSON.parse(text) as Array<Record<string, unknown>>;
}

/** A contract sent straight to the sandbox (not through n8n), as Lofirmo's API takes it. */
async function sandboxContract(sb: Sandbox): Promise<{ contractId: string; reportId: string }> {
	const res = await axios.post(
		`${sb.url}/EnviarContrato`,
		{
			Firmantes: [{ Nombre: 'Luis Pérez', Email: 'luis@example.com' }],
			Flujotrabajo: '1',
			Resp: 'JSON',
		},
		{ auth: { username: USER, password: TOKEN }, proxy: false, timeout: WAIT_MS },
	);
	const [answer] = res.data as Array<{ ContratoId: string; ReportId: string }>;
	return { contractId: answer.ContratoId, reportId: answer.ReportId };
}

// ---------------------------------------------------------------------------------------------------------
// The AI Agent workflow: Webhook → AI Agent (OpenAI Chat Model → the stub; tool: Lofirmo Get contract status)
// ---------------------------------------------------------------------------------------------------------

const AGENT_WORKFLOW_ID = 'lofirmoE2eAgent';
const AGENT_PATH = 'lofirmo-agent-e2e';
const MODEL_CREDENTIAL = { id: 'lofirmoE2eModel', name: 'Model stub (e2e)' };
const agentUrl = (n8n: N8nHandle) => `${n8n.baseUrl}/webhook/${AGENT_PATH}`;

/** The tool the agent gets, as its node's name (the tool name is the node name). */
const AGENT_TOOL = 'Get_contract_status';

function agentWorkflow(): Record<string, unknown> {
	let count = 0;
	const node = (
		name: string,
		type: string,
		typeVersion: number,
		parameters: object,
		extra = {},
	) => ({
		id: `5a6b7c8d-0000-4000-8000-00000000576${count++}`,
		name,
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		...extra,
	});
	return {
		id: AGENT_WORKFLOW_ID,
		name: 'e2e: AI Agent with a Lofirmo tool',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			node(
				'Question',
				'n8n-nodes-base.webhook',
				2.1,
				{ httpMethod: 'POST', path: AGENT_PATH, responseMode: 'lastNode', options: {} },
				{ webhookId: '5a6b7c8d-0000-4000-8000-000000005760' },
			),
			node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3, {
				promptType: 'define',
				text: '={{ $json.body.question }}',
				options: {},
			}),
			node(
				'Model',
				'@n8n/n8n-nodes-langchain.lmChatOpenAi',
				1.3,
				{
					model: { __rl: true, mode: 'id', value: 'lofirmo-e2e-stub' },
					// Chat Completions (the Responses API is the default from 1.3); no retries: one answer per call
					responsesApiEnabled: false,
					options: { maxRetries: 0 },
				},
				{ credentials: { openAiApi: MODEL_CREDENTIAL } },
			),
			node(
				AGENT_TOOL,
				'n8n-nodes-lofirmo.lofirmoTool',
				1,
				{
					resource: 'contract',
					operation: 'contractStatus',
					contractId:
						"={{ $fromAI('contract_id', `The contractId that sending the contract answered`, 'string') }}",
					reportId:
						"={{ $fromAI('report_id', `The reportId that sending the contract answered`, 'string') }}",
				},
				{ credentials: { lofirmoApi: SAMPLE_CREDENTIALS.api } },
			),
		],
		connections: {
			Question: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			Model: { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			[AGENT_TOOL]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

// ---------------------------------------------------------------------------------------------------------
// The suites
// ---------------------------------------------------------------------------------------------------------

function aiToolSuites(version: N8nVersion): void {
	describeRow(version, `Lofirmo as an AI tool in real n8n ${version}.x`, () => {
		const run = useAiTools(version);

		describe('MCP Server Trigger (sample 4) with the official MCP SDK client', () => {
			it('serves our tools with the package loaded, and refuses a client without the Bearer token', async () => {
				const r = run();
				await expectPackageLoaded(r.n8n);
				const from = r.sb.requests.length;
				const res = await axios.post(
					r.setup.mcpServerUrl,
					{ jsonrpc: '2.0', id: 1, method: 'tools/list' },
					{
						headers: { Accept: 'application/json, text/event-stream' },
						validateStatus: () => true,
						proxy: false,
						timeout: WAIT_MS,
					},
				);
				expect(res.status).toBe(403);
				expect(r.sb.requests.length).toBe(from);
			});

			it(`tools/list: what a model sees is what fixtures/sample-4-tools.n8n-${version}.json holds`, async () => {
				const r = run();
				const { tools } = await r.mcp.listTools();
				const seen = {
					instructions: r.mcp.getInstructions() ?? null,
					tools: [...tools]
						.sort((a, b) => a.name.localeCompare(b.name))
						.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
				};
				const file = fixture(version);
				if (process.env.LOFIRMO_UPDATE_FIXTURES === '1') {
					fs.mkdirSync(path.dirname(file), { recursive: true });
					fs.writeFileSync(file, `${JSON.stringify(seen, null, 2)}\n`);
				}
				expect(seen).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
			});

			it('Get_credits answers the credits the account has, from one request', async () => {
				const r = run();
				const credits = r.sb.state.accounts.get(USER)!.credits;
				const { result, requests } = await callTool(r, 'Get_credits', {});
				expect(itemsOf(result)).toEqual([expect.objectContaining({ credits })]);
				expect(requests.map(({ fn, params, user }) => ({ fn, params, user }))).toEqual([
					{ fn: 'credits', params: { resp: 'JSON' }, user: USER },
				]);
			});

			it('Send_contract sends the signer the model gave, once, and answers the contract id and report id', async () => {
				const r = run();
				const { result, requests } = await callTool(r, 'Send_contract', {
					signer_name: 'Ana García',
					signer_tax_id: '00000000T',
					signer_email: 'ana@example.com',
					signer_mobile: '',
					reference: 'deal-4001',
				});
				expect(requests.map(({ fn, params }) => ({ fn, params }))).toEqual([
					{
						fn: 'sendContract',
						params: {
							firmantes: [{ Nombre: 'Ana García', NIF: '00000000T', Email: 'ana@example.com' }],
							flujotrabajo: '238754787',
							mensaje: 'Hello [NOMBRE], your contract is ready to sign: [LINK]',
							referenciausuario: 'deal-4001',
							resp: 'JSON',
						},
					},
				]);
				const [item] = itemsOf(result);
				const contract = r.sb.state.contracts.get(String(item.contractId));
				expect(contract).toBeDefined();
				expect(item).toMatchObject({
					contractId: contract!.id,
					reportId: contract!.reportId,
					signers: 1,
				});
			});

			it('Get_contract_status and Download_contract_PDF take the ids Send_contract answered', async () => {
				const r = run();
				const [sent] = itemsOf(
					(
						await callTool(r, 'Send_contract', {
							signer_name: 'Marta Ruiz',
							signer_tax_id: '',
							signer_email: '',
							signer_mobile: '34600000003',
							reference: '',
						})
					).result,
				);
				const ids = { contract_id: String(sent.contractId), report_id: String(sent.reportId) };
				const expectedParams = {
					contratoid: ids.contract_id,
					reportid: ids.report_id,
					resp: 'JSON',
				};

				const status = await callTool(r, 'Get_contract_status', ids);
				expect(status.requests.map(({ fn, params }) => ({ fn, params }))).toEqual([
					{ fn: 'contractStatus', params: expectedParams },
				]);
				expect(itemsOf(status.result)).toEqual([
					expect.objectContaining({
						contractId: ids.contract_id,
						status: '11',
						signers: 1,
						signed: 0,
					}),
				]);

				await r.sb.certifyContract(ids.contract_id);
				const pdf = await callTool(r, 'Download_contract_PDF', ids);
				expect(pdf.requests.map(({ fn, params, status }) => ({ fn, params, status }))).toEqual([
					{
						fn: 'downloadContractPdf',
						params: { ...expectedParams, doc: 'CERTIFICADO' },
						status: 200,
					},
				]);
				const [file] = itemsOf(pdf.result);
				expect(file).toMatchObject({
					contractId: ids.contract_id,
					document: 'CERTIFICADO',
					fileName: `lofirmo-contract-${ids.contract_id}.pdf`,
				});
				expect(file.fileSize).toEqual(expect.any(Number));
				expect(file.fileSize as number).toBeGreaterThan(0);
			});

			it('Send_identity_check texts the mobile the model gave and answers the verification id', async () => {
				const r = run();
				const { result, requests } = await callTool(r, 'Send_identity_check', {
					mobile: '+34 600 000 002',
				});
				expect(requests.map(({ fn, params }) => ({ fn, params }))).toEqual([
					{
						fn: 'sendIdentity',
						params: {
							telefono: '34600000002',
							mensaje: 'Hello, please verify your identity with your ID card here: [LINK]',
							resp: 'JSON',
						},
					},
				]);
				const [item] = itemsOf(result);
				expect(r.sb.state.identities.has(String(item.verificationId))).toBe(true);
			});

			it('a validation error: isError, the field and the fix named, nothing sent (no credits spent)', async () => {
				const r = run();
				const noContact = await callTool(r, 'Send_contract', {
					signer_name: 'Ana García',
					signer_tax_id: '',
					signer_email: '',
					signer_mobile: '',
					reference: '',
				});
				expect(errorOf(noContact.result)).toBe(
					'Signer 1 has neither an email nor a mobile\n\nDetails: Fill in Email or Mobile (or both): Lofirmo sends the signing link there.',
				);
				expect(noContact.requests).toEqual([]);

				const badMobile = await callTool(r, 'Send_identity_check', { mobile: 'call me' });
				expect(errorOf(badMobile.result)).toBe(
					'Mobile is not a valid mobile number\n\nDetails: Got "call me". Use the international format with the country code, e.g. 34600000001 (spaces, dashes and a leading "+" or "00" are removed for you); a national number starting with 0 needs its country code instead of the 0.',
				);
				expect(badMobile.requests).toEqual([]);
			});

			it("an API error: isError with the API's own code and message, asked once", async () => {
				const r = run();
				const { result, requests } = await callTool(r, 'Get_contract_status', {
					contract_id: '999',
					report_id: '1',
				});
				const text = errorOf(result);
				expect(text).toMatch(/^Lofirmo rejected the request \(Res -3\)\n\nDetails: /);
				expect(text).toContain(
					'Lofirmo says: Contratoid: no contract 999. Result code -3 from /EstadoContrato.',
				);
				expect(text).toContain('The request was not repeated.');
				expect(requests.map(({ fn, res }) => ({ fn, res }))).toEqual([
					{ fn: 'contractStatus', res: '-3' },
				]);
			});

			it('a refused credential: isError telling what to check, not repeated, no secret in the text', async () => {
				const r = run();
				r.sb.addFault({ fn: 'credits', type: 'unauthorized' });
				const { result, requests } = await callTool(r, 'Get_credits', {});
				const text = errorOf(result);
				expect(text).toMatch(/^Lofirmo refused the API User or API Token\n\nDetails: /);
				expect(text).toContain('Check the API User and API Token in the Lofirmo credential');
				expect(text).not.toContain(TOKEN);
				expect(requests.map(({ fn, status }) => ({ fn, status }))).toEqual([
					{ fn: 'credits', status: 401 },
				]);
			});
		});

		describe('AI Agent with the OpenAI Chat Model (Chat Completions) on a scripted model', () => {
			it('agent → Lofirmo tool → sandbox → answer: the model calls the tool with the ids, and answers with its result', async () => {
				const r = run();
				const { contractId, reportId } = await sandboxContract(r.sb);
				await r.sb.certifyContract(contractId);
				const firstRequest = r.stub.requests.length;
				r.stub.script({
					call: { name: AGENT_TOOL, arguments: { contract_id: contractId, report_id: reportId } },
					finalText: (toolResult) => `Here is what Lofirmo says: ${toolResult}`,
				});
				const from = r.sb.requests.length;

				const res = await axios.post(
					agentUrl(r.n8n),
					{ question: `Has contract ${contractId} (report ${reportId}) been signed?` },
					{ validateStatus: () => true, proxy: false, timeout: WAIT_MS },
				);
				expect(res.status).toBe(200);

				// the model was offered our tool, as designed: its description and its $fromAI arguments
				const calls = r.stub.requests.slice(firstRequest);
				expect(calls).toHaveLength(2);
				const offered = calls[0].tools?.find((t: OfferedTool) => t.function.name === AGENT_TOOL);
				expect(offered?.function.description).toMatch(
					/^Gets the current status of a contract sent with Lofirmo/,
				);
				expect(offered?.function.parameters).toMatchObject({
					type: 'object',
					properties: {
						contract_id: {
							type: 'string',
							description: 'The contractId that sending the contract answered',
						},
						report_id: {
							type: 'string',
							description: 'The reportId that sending the contract answered',
						},
					},
					required: ['contract_id', 'report_id'],
				});
				// the tool ran against the sandbox with the model's arguments, once
				expect(requestsTo(r.sb, 'contractStatus', from).map((q) => q.params)).toEqual([
					{ contratoid: contractId, reportid: reportId, resp: 'JSON' },
				]);
				expect(r.sb.requests.length - from).toBe(1);
				// the tool's result went back to the model, and the model's final text is n8n's answer
				const toolMessage = calls[1].messages.find((m) => m.role === 'tool');
				expect(String(toolMessage?.content)).toContain('"status":"1014"');
				expect(res.data).toEqual({ output: expect.stringContaining('Here is what Lofirmo says:') });
				expect((res.data as { output: string }).output).toContain(`"contractId":"${contractId}"`);
				expect((res.data as { output: string }).output).toContain('"status":"1014"');
			});
		});
	});
}

aiToolSuites(2);
aiToolSuites(1);
