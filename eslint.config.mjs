// Same rule sets as n8n's own `n8n-node lint` (eslint-plugin-n8n-nodes-base) plus the community-node
// rules n8n's verification scan applies (@n8n/eslint-plugin-community-nodes). Zero warnings allowed.
import eslint from '@eslint/js';
import { globalIgnores } from 'eslint/config';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const communityRecommended = n8nCommunityNodesPlugin.configs.recommended;

export default tseslint.config(
	globalIgnores(['dist', 'coverage', '.n8n-cache', 'test-output', 'bench/results', 'node_modules']),
	{
		files: ['**/*.ts'],
		extends: [eslint.configs.recommended, tseslint.configs.recommended],
		rules: { 'prefer-spread': 'off' },
	},
	{
		files: ['**/*.js'],
		extends: [eslint.configs.recommended],
		languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
	},
	{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
	{
		files: ['package.json'],
		plugins: communityRecommended.plugins,
		rules: { ...n8nNodesPlugin.configs.community.rules, ...communityRecommended.rules },
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		// what ships: the package's own code, held to every community-node rule, and to `no-console` as
		// `n8n-node lint` (@n8n/node-cli) and n8n's package scanner hold it
		files: ['credentials/**/*.ts', 'nodes/**/*.ts'],
		plugins: communityRecommended.plugins,
		rules: { ...communityRecommended.rules, 'no-console': 'error' },
		// n8n's package scanner ignores eslint-disable comments: so does this lint, for the code it scans
		linterOptions: { noInlineConfig: true },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		files: ['test/**/*.ts'],
		rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
	},
);
