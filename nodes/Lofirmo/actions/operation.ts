/**
 * What an operation file exports about itself, and how a resource's index.ts turns its operation files into the
 * resource's part of the node description. Lists of every operation are built in operations.ts.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { LofirmoFunction, LofirmoRun } from '../transport';
import type { LofirmoProperties } from './node.type';

export interface OperationOption {
	/** What the editor lists. */
	readonly name: string;
	/** Stored in workflows: never change it once released. Unique across resources (a test checks). */
	readonly value: string;
	/** What the canvas and AI agents show: "Send a contract for signature". */
	readonly action: string;
	readonly description: string;
}

/** An operation file, seen through its exports. */
export interface Operation {
	readonly option: OperationOption;
	/**
	 * What an AI model reads when the node is one of its tools (MCP Server Trigger, AI Agent): what it does, what it
	 * costs, what must be known first, its limits. The tool's editable Tool Description field starts with it.
	 */
	readonly toolDescription: string;
	/** The Lofirmo function it calls; its `changes` flag decides whether a failed call may be repeated. */
	readonly apiFunction: LofirmoFunction;
	/** Its fields, shown when it is picked (defineResource adds that condition). */
	readonly properties: LofirmoProperties;
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		run: LofirmoRun,
	): Promise<INodeExecutionData[]>;
	/** Runs once after every item, with the node's output (Send and Wait for Signature: the wait). */
	finish?(
		this: IExecuteFunctions,
		output: INodeExecutionData[],
		run: LofirmoRun,
	): Promise<INodeExecutionData[]>;
}

export interface Resource {
	readonly option: { readonly name: string; readonly value: string };
	readonly operations: readonly Operation[];
	/** Its Operation selector, then the fields of each operation, each shown only for it. */
	readonly properties: INodeProperties[];
}

/** `operations` in the order the editor lists them (by name); `byDefault` is the one picked first. */
export function defineResource(
	option: Resource['option'],
	operations: readonly Operation[],
	byDefault: Operation,
): Resource {
	const defaultOperation = byDefault.option.value;
	const selector: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [option.value] } },
		options: operations.map((operation) => operation.option),
		default: defaultOperation,
	};
	return {
		option,
		operations,
		properties: [
			selector,
			...operations.flatMap((operation) =>
				updateDisplayOptions(
					{ show: { resource: [option.value], operation: [operation.option.value] } },
					[toolDescriptionField(operation.toolDescription), ...operation.properties],
				),
			),
		],
	};
}

/**
 * The tool's description, shown only on the tool version of the node (`@tool`). n8n adds its own field of this name
 * to tools that lack one, and its automatic text is only the action ("Send a contract for signature in Lofirmo").
 * With this field, what the model reads starts from the operation's `toolDescription`, and the user can add to it.
 */
function toolDescriptionField(text: string): INodeProperties {
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 4 },
		default: text,
		displayOptions: { show: { '@tool': [true] } },
		description:
			'What the AI model reads about this tool to decide when and how to call it. It starts with what the operation does, costs and needs; add what is specific to your workflow.',
	};
}
