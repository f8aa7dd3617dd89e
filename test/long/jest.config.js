// Long suites (minutes each): the end-to-end setup (a real n8n, one suite at a time), with their own files and a
// longer last-resort timeout. Run from the repo root: npm run test:long
const e2e = require('../e2e/jest.config');

/** @type {import('jest').Config} */
module.exports = {
	...e2e,
	roots: ['<rootDir>/test/long'],
	testMatch: ['<rootDir>/test/long/**/*.long.test.ts'],
	// every wait inside the suites has its own, shorter bound; this is the last resort
	testTimeout: 900000,
};
