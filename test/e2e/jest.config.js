// End-to-end suites: they start a real n8n (scripts/install-n8n.sh installs it into .n8n-cache/).
// Run from the repo root: npx jest -c test/e2e/jest.config.js
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.dev.json', isolatedModules: true }],
	},
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.n8n-cache/'],
	modulePathIgnorePatterns: ['<rootDir>/.n8n-cache/', '<rootDir>/dist/'],
	watchPathIgnorePatterns: ['<rootDir>/.n8n-cache/'],
	// each suite runs its own n8n on its own port; run them one after the other (--runInBand) on 2 cores
	maxWorkers: 1,
	testTimeout: 180000,
};
