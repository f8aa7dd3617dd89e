// Long suites (minutes each): they start a real n8n (scripts/install-n8n.sh installs it into .n8n-cache/) and load it.
// Run from the repo root: npm run test:long (builds, installs n8n, then jest -c test/long/jest.config.js)
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/long'],
	testMatch: ['<rootDir>/test/long/**/*.long.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.dev.json', isolatedModules: true }],
	},
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.n8n-cache/'],
	modulePathIgnorePatterns: ['<rootDir>/.n8n-cache/', '<rootDir>/dist/'],
	watchPathIgnorePatterns: ['<rootDir>/.n8n-cache/'],
	// one n8n at a time on 2 cores
	maxWorkers: 1,
	// every wait inside the suites has its own, shorter bound; this is the last resort
	testTimeout: 900000,
};
