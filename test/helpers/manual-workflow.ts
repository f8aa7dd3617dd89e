/**
 * A workflow run from the CLI (`n8n execute`): a manual trigger, then a step that succeeds (a Set node whose value is
 * an expression, so the run takes an isolate from n8n's pool) or fails (Stop and Error). Used by the harness suite
 * and scripts/cli-exit-loop.ts.
 */
export const manualWorkflow = (id: string, failing: boolean) => ({
	id,
	name: failing ? 'harness: failing manual run' : 'harness: manual run',
	active: false,
	settings: { executionOrder: 'v1' },
	connections: { Start: { main: [[{ node: 'Step', type: 'main', index: 0 }]] } },
	pinData: {},
	nodes: [
		{
			id: `${id}-start`,
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		failing
			? {
					id: `${id}-step`,
					name: 'Step',
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [200, 0],
					parameters: { errorMessage: 'harness: deliberate failure' },
				}
			: {
					id: `${id}-step`,
					name: 'Step',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [200, 0],
					parameters: {
						assignments: {
							assignments: [
								{ id: 'a1', name: 'greeting', value: '={{ "hi " + (1 + 1) }}', type: 'string' },
							],
						},
						options: {},
					},
				},
	],
});
