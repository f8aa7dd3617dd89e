/**
 * A scripted OpenAI-compatible Chat Completions server (`POST <url>/chat/completions`), the model of an AI Agent in
 * the end-to-end tests: no model, no internet, the same answers every run.
 *
 * Each conversation goes: the first call (no tool result yet) is answered with one `tool_calls` message that calls
 * `call.name` with `call.arguments`; once a `tool` message (the tool's result) is in the conversation, the answer is
 * the final text `finalText(result)`. Before answering, the tools the agent offered are checked: without `call.name`
 * among them the stub answers 400 with the list it got, so a missing or renamed tool fails the run with a reason.
 * Every request body is kept in `requests`.
 */
import * as http from 'node:http';

export interface ChatToolCall {
	name: string;
	arguments: Record<string, unknown>;
}

/** One function tool as the agent offers it (OpenAI's `tools` array). */
export interface OfferedTool {
	type: string;
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatRequest {
	model?: string;
	stream?: boolean;
	messages: Array<{ role: string; content?: unknown; tool_call_id?: string }>;
	tools?: OfferedTool[];
}

export interface ChatScript {
	call: ChatToolCall;
	/** the final answer, from the tool's result as the agent passed it back (the `tool` message's content) */
	finalText(toolResult: string): string;
}

export interface ChatCompletionsStub {
	/** base URL for an OpenAI credential: http://127.0.0.1:<port>/v1 */
	url: string;
	requests: ChatRequest[];
	/** what the next conversations do */
	script(script: ChatScript): void;
	stop(): Promise<void>;
}

const completion = (message: Record<string, unknown>, finishReason: string) => ({
	id: 'chatcmpl-lofirmo-e2e',
	object: 'chat.completion',
	created: 0,
	model: 'lofirmo-e2e-stub',
	choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
	usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

function answer(script: ChatScript | undefined, body: ChatRequest): [number, unknown] {
	if (!script) return [500, { error: { message: 'the test set no script for the stub' } }];
	if (body.stream) return [400, { error: { message: 'the stub answers without streaming only' } }];
	const offered = (body.tools ?? []).map((tool) => tool.function?.name);
	if (!offered.includes(script.call.name)) {
		return [
			400,
			{ error: { message: `no tool "${script.call.name}" offered; got: ${offered.join(', ')}` } },
		];
	}
	const toolResult = body.messages.find((message) => message.role === 'tool');
	if (!toolResult) {
		const call = {
			id: 'call_lofirmo_1',
			type: 'function',
			function: { name: script.call.name, arguments: JSON.stringify(script.call.arguments) },
		};
		return [200, completion({ content: null, tool_calls: [call] }, 'tool_calls')];
	}
	const text =
		typeof toolResult.content === 'string'
			? toolResult.content
			: JSON.stringify(toolResult.content);
	return [200, completion({ content: script.finalText(text) }, 'stop')];
}

/** Starts the stub on 127.0.0.1:`port`. */
export async function startChatCompletionsStub(port: number): Promise<ChatCompletionsStub> {
	const requests: ChatRequest[] = [];
	let current: ChatScript | undefined;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			let status = 404;
			let payload: unknown = { error: { message: `no route ${req.method} ${req.url}` } };
			if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
				requests.push(body);
				[status, payload] = answer(current, body);
			}
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(payload));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		script: (script) => {
			current = script;
		},
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
