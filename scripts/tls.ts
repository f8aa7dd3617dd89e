/**
 * A throwaway certificate authority for serving HTTPS on loopback (the bench's TLS sandbox, its test): a
 * self-signed P-256 certificate for 127.0.0.1 and localhost, made with openssl in a private temporary folder,
 * valid for two days. A client trusts it through `ca` (Node) or NODE_EXTRA_CA_CERTS=<certFile> (n8n).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LoopbackCertificate {
	key: string;
	cert: string;
	/** the certificate as a file, for NODE_EXTRA_CA_CERTS */
	certFile: string;
	/** removes the folder holding the key and the certificate */
	remove(): void;
}

export function makeLoopbackCertificate(): LoopbackCertificate {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lofirmo-tls-'));
	const keyFile = path.join(dir, 'key.pem');
	const certFile = path.join(dir, 'cert.pem');
	const remove = () => fs.rmSync(dir, { recursive: true, force: true });
	try {
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-days',
				'2',
				'-subj',
				'/CN=127.0.0.1',
				'-addext',
				'subjectAltName=IP:127.0.0.1,DNS:localhost',
				'-keyout',
				keyFile,
				'-out',
				certFile,
			],
			{ stdio: 'pipe' },
		);
	} catch (error) {
		remove();
		const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
		throw new Error(
			missing
				? 'openssl is not installed: run `bash scripts/install-n8n.sh --with-openssl` (Debian package openssl)'
				: `openssl could not make a certificate: ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
		);
	}
	return {
		key: fs.readFileSync(keyFile, 'utf8'),
		cert: fs.readFileSync(certFile, 'utf8'),
		certFile,
		remove,
	};
}
