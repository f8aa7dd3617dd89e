/**
 * What one node run (one execute() of the action node, one webhook() call of the trigger) remembers between its calls
 * to Lofirmo. The action node's router makes one per execute() and hands it to every operation; a call made without
 * one runs on its own.
 */
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

/** The n8n contexts that call Lofirmo. */
export type LofirmoContext = IExecuteFunctions | IWebhookFunctions;

export const CREDENTIAL_TYPE = 'lofirmoApi';

export class LofirmoRun {
	/**
	 * Lofirmo may block accounts that keep sending a wrong token: once it refused the credential, the other items of
	 * the run (e.g. with Continue On Fail) fail without calling it again.
	 */
	refused = false;

	private credentialsRead?: Promise<IDataObject>;

	private requestCredentialsBuilt?: Promise<IAdditionalCredentialOptions>;

	private readonly onceAnswers = new Map<string, Promise<IDataObject>>();

	constructor(private readonly ctx: LofirmoContext) {}

	/**
	 * The credential holds no per-item expressions we read, and n8n decrypts it on every getCredentials call: once per
	 * run is enough, which matters when a node sends thousands of items. A failed read is tried again next time.
	 */
	credentials(): Promise<IDataObject> {
		if (!this.credentialsRead) {
			const read = this.ctx.getCredentials(CREDENTIAL_TYPE);
			this.credentialsRead = read;
			read.catch(() => (this.credentialsRead = undefined));
		}
		return this.credentialsRead;
	}

	/**
	 * The credential as n8n's request helper takes it, built once per run (reading the node's credential reference
	 * deep-copies the whole node). Without it, `httpRequestWithAuthentication` loads the credential from the database
	 * and decrypts it again for every request; the header is still built by the credential's `authenticate`, inside n8n.
	 */
	requestCredentials(): Promise<IAdditionalCredentialOptions> {
		if (!this.requestCredentialsBuilt) {
			const built = this.credentials().then((data) => {
				const ref = this.ctx.getNode().credentials?.[CREDENTIAL_TYPE];
				return {
					credentialsDecrypted: {
						id: ref?.id ?? '',
						name: ref?.name ?? '',
						type: CREDENTIAL_TYPE,
						data: data as ICredentialDataDecryptedObject,
					},
				};
			});
			this.requestCredentialsBuilt = built;
			built.catch(() => (this.requestCredentialsBuilt = undefined));
		}
		return this.requestCredentialsBuilt;
	}

	/** The answer of a call made once per run whatever the number of items (Get Credits: repeats count as spam). */
	once(key: string, call: () => Promise<IDataObject>): Promise<IDataObject> {
		let answer = this.onceAnswers.get(key);
		if (!answer) {
			answer = call();
			this.onceAnswers.set(key, answer);
		}
		return answer;
	}
}
