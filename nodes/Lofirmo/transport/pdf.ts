/**
 * PDF functions answer with the file itself, or with a JSON/TXT error body instead. The file is stored with n8n's
 * `prepareBinaryData` as it streams in, so a large certificate never sits whole in memory (in n8n's filesystem binary
 * mode). It is accepted only if it really is a PDF: it starts with `%PDF-` and has an end-of-file marker near its
 * end. An error answered as JSON/TXT, or a cut-off file, is an error, and what was stored is never returned.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { assertSuccess, HEAD_BYTES, parseApiAnswer, preview } from './answer';
import type { LofirmoFunction } from './endpoints';
import { apiError, safeMessage } from './errors';
import { send, type RequestOptions } from './request';

export interface DownloadOptions extends RequestOptions {
	/** The name n8n gives the stored file. */
	fileName: string;
}

/** A downloaded PDF, already handed to n8n's binary data store. */
export interface StoredPdf {
	binary: IBinaryData;
	fileSize: number;
}

export async function lofirmoDownloadPdf(
	this: IExecuteFunctions | IWebhookFunctions,
	fn: LofirmoFunction,
	body: IDataObject,
	options: DownloadOptions,
): Promise<StoredPdf> {
	return await send(this, fn, body, 'pdf', options, async (response) => {
		const probe = new PdfProbe();
		let downloadError: unknown;
		response.stream?.on('error', (error) => (downloadError ??= error));
		let binary: IBinaryData;
		try {
			binary = await this.helpers.prepareBinaryData(
				response.stream
					? response.stream.map((chunk: Buffer) => probe.see(chunk))
					: probe.see(response.body),
				options.fileName,
				'application/pdf',
			);
		} catch (error) {
			// a body refused as not a PDF is answered below (the stream errors with that refusal too)
			if (!probe.refused) {
				// the connection dropped mid-download: send() tries again (for a PDF that changes nothing)
				if (downloadError !== undefined) throw downloadError;
				throw apiError(this, fn, options, {
					message: 'The PDF could not be stored in n8n',
					description: `n8n's binary data store refused it: ${safeMessage(error)}. Check the disk space and the binary data settings of n8n.`,
				});
			}
		} finally {
			// a body refused early, or a store that failed, must not keep the connection open
			response.stream?.destroy();
		}
		if (probe.isPdf()) return { binary: binary!, fileSize: probe.bytes };

		// a cut-off PDF is not an error answer, whatever text it holds
		const data =
			probe.head.length > 0 && !probe.truncated() ? parseApiAnswer(probe.head) : undefined;
		if (data !== undefined) assertSuccess(this, fn, data, options, response.statusCode);
		throw apiError(this, fn, options, {
			message: probe.truncated()
				? 'The PDF from Lofirmo is incomplete (it has no end-of-file marker), so it was not saved'
				: 'Lofirmo did not return a PDF file',
			description: probe.truncated()
				? `Received ${probe.bytes} bytes that stop before the end of the document. Try the download again later.`
				: `Received ${probe.bytes} bytes of ${response.contentType || 'unknown type'}: ${preview(probe.head)}`,
			httpCode: response.statusCode,
		});
	});
}

const PDF_HEADER = '%PDF-';
const PDF_TRAILER = '%%EOF';
/** The end-of-file marker must be within this many bytes of the end. */
const TAIL_BYTES = 1024;

/** Watches a download go by: keeps its first bytes (an error body) and its last KiB (the `%%EOF` marker). */
class PdfProbe {
	bytes = 0;

	head: Buffer = Buffer.alloc(0);

	private tail: Buffer = Buffer.alloc(0);

	/** set when the download was stopped because it is not a PDF */
	refused = false;

	see(chunk: Buffer): Buffer {
		this.bytes += chunk.length;
		if (this.head.length < HEAD_BYTES) {
			this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
			// not a PDF and already too long to be an error message: stop the download rather than store it
			if (this.head.length >= HEAD_BYTES && !this.startsLikePdf()) {
				this.refused = true;
				throw new Error('not a PDF');
			}
		}
		this.tail =
			chunk.length >= TAIL_BYTES
				? chunk.subarray(chunk.length - TAIL_BYTES)
				: Buffer.concat([this.tail, chunk]).subarray(-TAIL_BYTES);
		return chunk;
	}

	isPdf(): boolean {
		return this.bytes >= 16 && this.startsLikePdf() && this.tail.includes(PDF_TRAILER, 0, 'latin1');
	}

	truncated(): boolean {
		return this.startsLikePdf() && !this.isPdf();
	}

	private startsLikePdf(): boolean {
		return this.head.subarray(0, PDF_HEADER.length).toString('latin1') === PDF_HEADER;
	}
}
