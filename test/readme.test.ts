/** The README's operation and endpoint tables are what users configure from: both must match the operation files. */
import { readFileSync } from 'fs';
import { join } from 'path';

import { LOFIRMO_FUNCTIONS, resources } from '../nodes/Lofirmo/actions/operations';
import { DEFAULT_BASE_URL } from '../nodes/Lofirmo/transport';

const lines = readFileSync(join(__dirname, '..', 'README.md'), 'utf8').split('\n');

const operations = resources.flatMap((resource) =>
	resource.operations.map(
		(operation) => [`${resource.option.name} → ${operation.option.name}`, operation] as const,
	),
);

it.each(operations)('lists the operation %s with its API function', (label, { apiFunction }) => {
	const row = lines.find((line) => line.startsWith(`| ${label} |`));
	expect(row).toBeDefined();
	expect(
		[`\`${apiFunction.key}\``, `\`${apiFunction.path}\``].some((name) => row!.includes(name)),
	).toBe(true);
});

it.each(Object.entries(LOFIRMO_FUNCTIONS))(
	'lists the function %s with its path and source',
	(key, { path, documented }) => {
		const row = lines.find((line) => line.includes(`(\`${key}\`)`));
		expect(row).toBeDefined();
		expect(row).toContain(`\`${path}\``);
		expect(row).toContain(documented ? '| documented |' : '| our reading');
	},
);

it('lists the default base URL', () => {
	expect(lines).toContain(
		`| Base URL | \`${DEFAULT_BASE_URL}\` | our reading (the v2 API lived at \`www.lofirmo.com/api/v2\`) |`,
	);
});
