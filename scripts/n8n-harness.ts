/**
 * Runs a real n8n (installed by scripts/install-n8n.sh into .n8n-cache/) for the end-to-end tests.
 *
 * - n8n 2.x (the main line, n8n/package.json) runs on Node 24 from .n8n-cache/node24;
 *   n8n 1.x (the compatibility row, n8n/v1/package.json) runs on this Node 20 with N8N_EXPRESSION_ENGINE=legacy.
 * - Our package is loaded the way a user gets it: the packed package (`npm pack`, so only what is published)
 *   is unpacked into <dataDir>/.n8n/nodes/node_modules/n8n-nodes-lofirmo, where n8n finds community packages.
 *   Its peer dependency n8n-workflow resolves to the n8n-workflow of the n8n under test, as in production.
 * - Everything is bounded by timeouts; nothing listens outside 127.0.0.1.
 *
 * See shared/n8n-local.md (beside the repo) for the measured recipe this follows. One module per job, under n8n/:
 * install (where n8n is, loading our package), process (start, stop, environment), rest (owner, API key,
 * activation, executions), cli (imports, `n8n execute`), services (PostgreSQL, Redis) and queue (main + webhook
 * processor + workers on them), registry (a local npm registry our package is published to) and scan (n8n's package
 * scanner against it).
 */
export * from './n8n/install';
export * from './n8n/process';
export * from './n8n/rest';
export * from './n8n/cli';
export * from './n8n/services';
export * from './n8n/queue';
export * from './n8n/registry';
export * from './n8n/scan';
