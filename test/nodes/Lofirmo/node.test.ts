/** The node as n8n sees it: description, codex, routing, paired items and Continue On Fail. */
import { existsSync, readFileSync } from 'fs';
import { join, posix } from 'path';
import {
	NodeApiError,
	NodeHelpers,
	NodeOperationError,
	type INode,
	type INodeProperties,
	type INodeType,
} from 'n8n-workflow';

import type { LofirmoProperties } from '../../../nodes/Lofirmo/actions/node.type';
import { operations as allOperations, resources } from '../../../nodes/Lofirmo/actions/operations';
import { answer, failure, node, run } from './support';

const root = join(__dirname, '..', '..', '..');
const { description } = node;

describe('description', () => {
	it('is the Lofirmo action node, usable as an AI tool, with the Lofirmo credential', () => {
		expect(description).toMatchObject({
			name: 'lofirmo',
			displayName: 'Lofirmo',
			usableAsTool: true,
			version: 1,
		});
		expect(description.credentials).toEqual([{ name: 'lofirmoApi', required: true }]);
		expect(description.inputs).toEqual(['main']);
		expect(description.outputs).toEqual(['main']);
		expect(description.subtitle).toContain('$parameter["operation"]');
	});

	it('points at icons that the build puts next to dist/nodes/Lofirmo', () => {
		const icon = description.icon as { light: string; dark: string };
		for (const file of [icon.light, icon.dark]) {
			const fromDist = posix.join('dist/nodes/Lofirmo', file.replace(/^file:/, ''));
			expect(fromDist).toMatch(/^dist\/icons\/lofirmo(\.dark)?\.svg$/);
			// gulp copies icons/** to dist/icons/**
			expect(existsSync(join(root, fromDist.replace(/^dist\//, '')))).toBe(true);
		}
	});

	it('has a codex naming this node with categories and documentation', () => {
		const codex = JSON.parse(readFileSync(join(root, 'nodes/Lofirmo/Lofirmo.node.json'), 'utf8'));
		expect(codex.node).toBe(`n8n-nodes-lofirmo.${description.name}`);
		expect(codex.categories.length).toBeGreaterThan(0);
		expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
		expect(codex.resources.credentialDocumentation[0].url).toMatch(/^https:\/\//);
	});

	const operations = description.properties.filter((p) => p.name === 'operation');

	it('offers every operation of the operation files, each with an action an AI agent can pick', () => {
		const offered = operations.flatMap((p) =>
			(p.options as Array<{ value: string }>).map(
				(o) => `${p.displayOptions!.show!.resource![0]}.${o.value}`,
			),
		);
		expect(offered.sort()).toEqual(
			resources
				.flatMap((r) => r.operations.map((o) => `${r.option.value}.${o.option.value}`))
				.sort(),
		);
		expect(offered).toHaveLength(9);
		for (const p of operations) {
			for (const option of p.options as Array<{ action?: string; description?: string }>) {
				expect(option.action).toBeTruthy();
				expect(option.description).toBeTruthy();
			}
		}
	});

	// the options are built from the operation files, where n8n's lint rule for sorted options cannot see them
	it('lists resources, and the operations of each, by name (as n8n lists options)', () => {
		const byName = (names: string[]) => [...names].sort((a, b) => a.localeCompare(b));
		const resourceNames = resources.map((resource) => resource.option.name);
		expect(resourceNames).toEqual(byName(resourceNames));
		for (const resource of resources) {
			const names = resource.operations.map((op) => op.option.name);
			expect({ resource: resource.option.name, names }).toEqual({
				resource: resource.option.name,
				names: byName(names),
			});
		}
	});

	it('has no operation value twice, across resources (the subtitle and the router look operations up by value)', () => {
		const values = allOperations.map(({ option }) => option.value);
		expect(new Set(values).size).toBe(values.length);
	});

	it('lets the type checker refuse a field shown for an operation that does not exist', () => {
		const fields: LofirmoProperties = [
			{
				displayName: 'Probe',
				name: 'probe',
				type: 'string',
				default: '',
				// @ts-expect-error -- "creditz" is no operation value; `npm run lint` type-checks this file
				displayOptions: { show: { operation: ['creditz'] } },
			},
		];
		expect(fields).toHaveLength(1);
	});

	it('gives each API function one key (Path Overrides name them by key); two operations may call the same one', () => {
		const functions = new Set(allOperations.map(({ apiFunction }) => apiFunction));
		const keys = new Set([...functions].map(({ key }) => key));
		expect(keys.size).toBe(functions.size);
	});

	it('shows on the canvas what the node does, not the internal operation value', () => {
		const subtitle = String(description.subtitle);
		const map = JSON.parse(
			subtitle.slice(subtitle.indexOf('{', 3), subtitle.lastIndexOf('}[') + 1),
		);
		expect(map.sendContract).toBe('Send a contract for signature');
		expect(map).toEqual(
			Object.fromEntries(allOperations.map(({ option }) => [option.value, option.action])),
		);
	});

	it('hides Options → Batching on Get Credits, which calls Lofirmo once per run', () => {
		const options = description.properties.find((p) => p.name === 'options');
		expect(options?.displayOptions).toEqual({ hide: { operation: ['credits'] } });
	});

	it('names the API parameter in the description of every field that is sent', () => {
		const fields = (properties: INodeProperties[]): INodeProperties[] =>
			properties.flatMap((p) => {
				const nested = (p.options ?? []).flatMap((o) =>
					'values' in o ? fields(o.values) : 'type' in o ? fields([o as INodeProperties]) : [],
				);
				return p.type === 'collection' || p.type === 'fixedCollection' ? nested : [p, ...nested];
			});
		// UI switches, output and batching settings are not sent, nor are a key/value pair's parts
		const notSent = new Set([
			'resource',
			'operation',
			'toolDescription',
			'signersInput',
			'binaryPropertyName',
			'batchSize',
			'batchInterval',
			'name',
			'value',
			'from',
			// Send and Wait for Signature's own settings: how long and for what the workflow waits
			'waitNotice',
			'resumeOn',
			'limitWaitTime',
			'waitAmount',
			'waitUnit',
			'downloadPdf',
		]);
		const sent = fields(description.properties).filter((p) => !notSent.has(p.name));
		expect(sent.length).toBeGreaterThan(30);
		// (in the hint when n8n's rules refuse the parameter's spelling in a description, e.g. `Id`)
		for (const field of sent) {
			expect([field.name, `${field.description} ${field.hint ?? ''}`]).toEqual([
				field.name,
				expect.stringMatching(/Sent as `|`Documentos`/),
			]);
		}
	});
});

describe('as an AI tool', () => {
	// what n8n does to a usableAsTool node (n8n/dist/tool-generation/ai-tools.js): the same fields, under the name
	// <name>Tool, which is what `@tool` in displayOptions tests
	const tool = { description: { ...description, name: `${description.name}Tool` } } as INodeType;
	const withDefaults = (type: INodeType, parameters: Record<string, string>) =>
		NodeHelpers.getNodeParameters(
			type.description.properties,
			parameters,
			true,
			false,
			{ typeVersion: 1 },
			type.description,
		)!;
	const modelReads = (resource: string, operation: string) => {
		const toolNode = {
			name: 'Lofirmo',
			type: 'n8n-nodes-lofirmo.lofirmoTool',
			typeVersion: 1,
			position: [0, 0],
			// as n8n's Workflow fills in every parameter the workflow left at its default
			parameters: withDefaults(tool, { resource, operation }),
		} as INode;
		return NodeHelpers.getToolDescriptionForNode(toolNode, tool);
	};
	const everyOperation = resources.flatMap((r) =>
		r.operations.map((o) => ({ resource: r.option.value, operation: o })),
	);

	it.each(
		everyOperation.map((entry) => [`${entry.resource}.${entry.operation.option.value}`, entry]),
	)(
		"%s: the model reads the operation's tool description, which the normal node does not show",
		(_, { resource, operation }) => {
			expect(modelReads(resource, operation.option.value)).toBe(operation.toolDescription);
			const plain = withDefaults(node, { resource, operation: operation.option.value });
			expect(plain).not.toHaveProperty('toolDescription');
		},
	);

	it('says what each call costs, and where a contract or verification id comes from', () => {
		const sends = ['sendContract', 'sendIdentity'];
		for (const { operation } of everyOperation) {
			const text = operation.toolDescription;
			if (operation.option.value === 'sendAndWaitForSignature') {
				// it refuses to run as a tool: the model is told not to call it, and why it would cost
				expect(text).toMatch(/^Do not call this tool/);
				expect(text).toMatch(/spends credits and messages real people/);
			} else if (sends.includes(operation.option.value)) {
				expect(text).toMatch(/spends credits/);
				expect(text).toMatch(/messages (real people|a real person)/);
				expect(text).toMatch(/never twice/);
			} else if (operation.option.value !== 'continueFlow') {
				expect(text).toMatch(/Free|credits back/);
			}
			if (operation.properties.some((p) => p.name === 'contractId')) {
				expect(text).toContain('contractId and reportId that sending the contract answered');
			}
			if (operation.properties.some((p) => p.name === 'verificationId')) {
				expect(text).toContain('verificationId that sending the identity verification');
			}
		}
		expect(
			everyOperation.find((e) => e.operation.option.value === 'continueFlow')?.operation
				.toolDescription,
		).toContain('2 per contract per day');
	});
});

describe('routing', () => {
	const credits = { resource: 'account', operation: 'credits' };

	it('pairs each output item with its input item', async () => {
		const { output } = run(
			(i) => ({
				resource: 'contract',
				operation: 'contractStatus',
				contractId: `C${i}`,
				reportId: `${100 + i}`,
			}),
			{ http: answer({ Res: '1', Estado: '11' }), items: [{ json: { a: 1 } }, { json: { a: 2 } }] },
		);
		const [items] = await output;
		expect(
			items.map((item) => [item.json.contractId, item.json.reportId, item.pairedItem]),
		).toEqual([
			['C0', '100', { item: 0 }],
			['C1', '101', { item: 1 }],
		]);
	});

	it('with Continue On Fail, emits an error item for a failed item and goes on with the rest', async () => {
		const { output, calls } = run(
			(i) => ({
				resource: 'identityVerification',
				operation: 'sendIdentity',
				mobile: i === 1 ? 'not a phone' : '34600000001',
			}),
			{
				http: answer({ Res: '10', ID: '7', Cred: '1' }),
				items: [{ json: {} }, { json: {} }, { json: {} }],
				continueOnFail: true,
			},
		);
		const [items] = await output;
		expect(calls).toHaveLength(2);
		expect(items).toEqual([
			expect.objectContaining({
				json: expect.objectContaining({ verificationId: '7' }),
				pairedItem: { item: 0 },
			}),
			{ json: { error: 'Mobile is not a valid mobile number' }, pairedItem: { item: 1 } },
			expect.objectContaining({
				json: expect.objectContaining({ verificationId: '7' }),
				pairedItem: { item: 2 },
			}),
		]);
	});

	it('with Continue On Fail, reports an API error per item', async () => {
		const { output } = run(credits, { http: answer({ Res: '-1' }), continueOnFail: true });
		const [[item]] = await output;
		expect(item.json.error).toContain('Res -1');
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('without Continue On Fail, stops at the first failing item and names it', async () => {
		const { output, calls } = run(
			(i) => ({
				resource: 'identityVerification',
				operation: 'sendIdentity',
				mobile: i === 1 ? '12' : '34600000001',
			}),
			{ http: answer({ Res: '10', ID: '7' }), items: [{ json: {} }, { json: {} }, { json: {} }] },
		);
		const error = await failure(output);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.context.itemIndex).toBe(1);
		expect(calls).toHaveLength(1);
	});

	it('keeps the API error of a failed call as a NodeApiError', async () => {
		const { output } = run(credits, { http: answer({ Res: '-2' }) });
		const error = await failure(output);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.itemIndex).toBe(0);
	});

	it('refuses an operation it does not have', async () => {
		const { output, calls } = run({ resource: 'contract', operation: 'deleteEverything' });
		expect((await failure(output)).message).toBe(
			'The operation "deleteEverything" is not supported for "contract"',
		);
		expect(calls).toHaveLength(0);
	});
});
