import { defineResource } from '../operation';
import * as downloadIdentityCertificate from './downloadIdentityCertificate';
import * as sendIdentity from './sendIdentity';

/** In the order the editor lists them (by name). */
export const operations = [downloadIdentityCertificate, sendIdentity] as const;

export const resource = defineResource(
	{ name: 'Identity Verification', value: 'identityVerification' },
	operations,
	sendIdentity,
);
