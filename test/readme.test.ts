/** The README's endpoint table is what users configure from: it must match the code. */
import { readFileSync } from 'fs';
import { join } from 'path';

import { DEFAULT_BASE_URL, LOFIRMO_FUNCTIONS } from '../nodes/Lofirmo/transport/endpoints';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

it.each(Object.entries(LOFIRMO_FUNCTIONS))('lists %s with its path and source', (key, { path, documented }) => {
	const row = readme.split('\n').find((line) => line.includes(`(\`${key}\`)`));
	expect(row).toBeDefined();
	expect(row).toContain(`\`${path}\``);
	expect(row).toContain(documented ? '| documented |' : '| our reading');
});

it('lists the default base URL', () => {
	expect(readme).toContain(`| Base URL | \`${DEFAULT_BASE_URL}\``);
});
