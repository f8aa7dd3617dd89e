/**
 * Lofirmo reads and writes dates as `YYYY-MM-DD HH:MM` wall-clock time in Spain (CET/CEST, Europe/Madrid).
 * Conversions use the runtime's time-zone database (Intl), so summer time is right without any dependency.
 */
export const SPAIN_ZONE = 'Europe/Madrid';

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

interface WallClock {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

function wallClockIn(zone: string, instant: Date): WallClock {
	let formatter = formatters.get(zone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-GB', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(zone, formatter);
	}
	const parts = Object.fromEntries(
		formatter.formatToParts(instant).map((part) => [part.type, Number(part.value)]),
	);
	return {
		year: parts.year,
		month: parts.month,
		day: parts.day,
		hour: parts.hour,
		minute: parts.minute,
		second: parts.second,
	};
}

function asUtcMillis(clock: WallClock): number {
	return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/** `YYYY-MM-DD HH:MM` in Spain for the given instant. */
export function toSpainDateTime(instant: Date): string {
	const c = wallClockIn(SPAIN_ZONE, instant);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${c.year}-${pad(c.month)}-${pad(c.day)} ${pad(c.hour)}:${pad(c.minute)}`;
}

/**
 * The instant a wall-clock time `YYYY-MM-DD[ HH:MM[:SS]]` (space or `T`, no offset) stands for in `zone`,
 * or `null` when the text is not such a date or names a day or time that does not exist.
 */
export function wallClockToDate(text: string, zone: string): Date | null {
	const match = WALL_CLOCK.exec(text.trim());
	if (!match) return null;
	const [year, month, day, hour, minute, second] = match.slice(1, 7).map((v) => Number(v ?? 0));
	const naive = Date.UTC(year, month - 1, day, hour, minute, second);
	const check = new Date(naive);
	if (
		check.getUTCMonth() !== month - 1 ||
		check.getUTCDate() !== day ||
		hour > 23 ||
		minute > 59 ||
		second > 59
	) {
		return null;
	}
	// find the zone's offset at the guessed instant, then correct once more around summer-time changes
	let instant = naive - (asUtcMillis(wallClockIn(zone, new Date(naive))) - naive);
	instant = naive - (asUtcMillis(wallClockIn(zone, new Date(instant))) - instant);
	return new Date(instant);
}

/** A Spain wall-clock time as an ISO string in UTC, or `null` when it is not a valid `YYYY-MM-DD HH:MM[:SS]`. */
export function spainDateTimeToIso(text: string): string | null {
	if (!/\d{2}:\d{2}/.test(text)) return null;
	return wallClockToDate(text, SPAIN_ZONE)?.toISOString() ?? null;
}
