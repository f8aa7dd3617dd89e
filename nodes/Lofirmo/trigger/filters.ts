/**
 * Which reports the user wants. Filters only ever drop a report the user positively excluded: one of a known service
 * they did not pick, or with a status code they did not list. A report that cannot be classified (unknown or missing
 * service, missing status) always passes, so nothing unexpected is silently lost.
 */
import { UNKNOWN_EVENT, type Report } from './report';

export interface ReportFilter {
	/** Events to emit; empty means all. */
	events: string[];
	/** Status codes to emit; empty means all. */
	statuses: Set<string>;
}

/** The filter from the node's parameters: events picked, status codes picked and typed (comma-separated). */
export function reportFilter(
	events: unknown,
	pickedCodes: unknown,
	typedCodes: unknown,
): ReportFilter {
	const typed = typeof typedCodes === 'string' ? typedCodes.split(/[\s,;]+/) : [];
	const codes = [...list(pickedCodes), ...typed]
		.map((code) => code.trim())
		.filter((code) => code !== '');
	return { events: list(events), statuses: new Set(codes) };
}

export function isWanted(report: Report, filter: ReportFilter): boolean {
	if (report.event === UNKNOWN_EVENT) return true;
	if (filter.events.length > 0 && !filter.events.includes(report.event)) return false;
	return filter.statuses.size === 0 || report.status === null || filter.statuses.has(report.status);
}

function list(value: unknown): string[] {
	return Array.isArray(value) ? value.map(String) : [];
}
