/**
 * What a user would write in a Code node after a plain Webhook node to get what the Lofirmo Trigger emits
 * (nodes/Lofirmo/trigger/report.ts): typed fields, ISO dates from Spain time, the four JSON-encoded identity
 * fields parsed, `raw` and `parseErrors`. The bench puts `parseLofirmoReport.toString()` into the Code node, so
 * this function must stay self-contained: no imports, nothing from outside its body.
 */
export function parseLofirmoReport(body: unknown): Record<string, unknown> {
	const errors: Array<{ field: string; error: string }> = [];
	let fields: Record<string, unknown> = {};
	let raw: unknown = body;
	if (typeof body === 'string') {
		try {
			raw = JSON.parse(body);
		} catch {
			errors.push({ field: 'body', error: 'The body is neither JSON nor form data' });
		}
	}
	if (Array.isArray(raw) && raw.length === 1) raw = raw[0];
	if (raw && typeof raw === 'object' && !Array.isArray(raw))
		fields = Object.fromEntries(Object.entries(raw));
	else if (raw === undefined || raw === null || raw === '')
		errors.push({ field: 'body', error: 'The request had no body' });

	const get = (key: string): unknown => {
		if (key in fields) return fields[key];
		const found = Object.keys(fields).find((k) => k.toLowerCase() === key.toLowerCase());
		return found === undefined ? undefined : fields[found];
	};
	const preview = (text: string) => (text.length > 60 ? `${text.slice(0, 60)}…` : text);
	const text = (key: string, required = false): string | null => {
		const value = get(key);
		if (value === undefined || value === null) {
			if (required) errors.push({ field: key, error: 'Missing' });
			return null;
		}
		if (typeof value === 'string') return value;
		if (typeof value === 'number' || typeof value === 'boolean') return String(value);
		errors.push({ field: key, error: 'Expected text, got a structured value (kept as JSON text)' });
		return JSON.stringify(value);
	};
	const code = (key: string): string | null => {
		const value = text(key, true)?.trim() ?? null;
		if (value !== '') return value;
		errors.push({ field: key, error: 'Empty' });
		return null;
	};
	const integer = (key: string): number | string | null => {
		const value = text(key);
		if (value === null || value.trim() === '') return null;
		const number = /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN;
		if (Number.isSafeInteger(number)) return number;
		errors.push({ field: key, error: `Not a whole number: "${preview(value)}"` });
		return value;
	};
	// Spain wall-clock time (Europe/Madrid, summer time included) → ISO/UTC
	const madrid = new Intl.DateTimeFormat('en-GB', {
		timeZone: 'Europe/Madrid',
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	});
	const wallClockMs = (instant: number) => {
		const p: Record<string, number> = {};
		for (const part of madrid.formatToParts(new Date(instant))) p[part.type] = Number(part.value);
		return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	};
	const spainToIso = (value: string): string | null => {
		const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(
			value.trim(),
		);
		if (!m) return null;
		const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0));
		const naive = Date.UTC(year, month - 1, day, hour, minute, second);
		const check = new Date(naive);
		if (
			check.getUTCMonth() !== month - 1 ||
			check.getUTCDate() !== day ||
			hour > 23 ||
			minute > 59 ||
			second > 59
		)
			return null;
		let instant = naive - (wallClockMs(naive) - naive);
		instant = naive - (wallClockMs(instant) - instant);
		return new Date(instant).toISOString();
	};
	const date = (key: string): [string | null, string | null] => {
		const value = text(key);
		if (value === null || value.trim() === '') return [value, null];
		const iso = spainToIso(value);
		if (iso === null)
			errors.push({
				field: key,
				error: `Not a date in the form YYYY-MM-DD HH:MM: "${preview(value)}"`,
			});
		return [value, iso];
	};
	const json = (key: string): unknown => {
		const value = get(key);
		if (value === undefined || value === null || value === '') return null;
		if (typeof value !== 'string') return value;
		try {
			return JSON.parse(value);
		} catch (error) {
			errors.push({
				field: key,
				error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
			});
			return value;
		}
	};

	const rawOut = Object.keys(fields).length > 0 ? fields : raw;
	const service = text('Servicio', true);
	const kind = service?.trim().toUpperCase();
	if (kind === 'CONTRATACION') {
		const contractId = text('ContratoID', true);
		const reportId = text('ReportID');
		const status = code('Resultado');
		const [sentAt, sentAtIso] = date('FechaEnvio');
		const [signedAt, signedAtIso] = date('FechaFirma');
		return {
			event: 'contractStatusChanged',
			service,
			contractId,
			reportId,
			status,
			statusLabel: status === '1014' ? 'Signed and certified' : null,
			sentAt,
			sentAtIso,
			signedAt,
			signedAtIso,
			signers: integer('NumFirmantes'),
			signed: integer(get('NumFimados') === undefined ? 'NumFirmados' : 'NumFimados'),
			reference: text('Referencia'),
			signatureType: integer('TipoFirma'),
			verificationUrl: contractId?.trim()
				? `https://www.lofirmo.com/csv/${encodeURIComponent(contractId.trim())}`
				: null,
			raw: rawOut,
			parseErrors: errors,
		};
	}
	if (kind === 'VERIFICACION_IDENTIDAD') {
		const verificationId = text('ID', true);
		const status = code('Estado');
		const [sentAt, sentAtIso] = date('FechaEnvio');
		const [lastUpdate, lastUpdateIso] = date('UltimaActualizacion');
		return {
			event: 'identityVerificationStatusChanged',
			service,
			verificationId,
			status,
			statusLabel: status === '5100' ? 'Verified, certificate ready' : null,
			sentAt,
			sentAtIso,
			lastUpdate,
			lastUpdateIso,
			mobile: text('Telefono'),
			idFront: text('DNIAnverso'),
			idBack: text('DNIReverso'),
			idRequested: text('DNISolicitado'),
			access: json('Acceso'),
			position: json('Posicion'),
			device: json('Dispositivo'),
			result: json('Result'),
			raw: rawOut,
			parseErrors: errors,
		};
	}
	if (service !== null)
		errors.push({ field: 'Servicio', error: `Unknown service "${preview(service)}"` });
	const statusKey = ['Resultado', 'Estado'].find((key) => get(key) !== undefined);
	return {
		event: 'unknown',
		service,
		status: statusKey === undefined ? null : code(statusKey),
		statusLabel: null,
		raw: rawOut,
		parseErrors: errors,
	};
}

/** The Code node's JavaScript ("Run Once for All Items"): the function above applied to each webhook body. */
export function codeNodeSource(): string {
	return [
		`const parseLofirmoReport = ${parseLofirmoReport.toString()};`,
		'return $input.all().map((item) => ({ json: parseLofirmoReport(item.json.body) }));',
	].join('\n');
}
