/**
 * Lofirmo reads and writes dates as `YYYY-MM-DD HH:MM` wall-clock time in Spain (CET/CEST, Europe/Madrid).
 * Conversions use the runtime's time-zone database (Intl), so summer time is right without any dependency.
 */
const ZONE = 'Europe/Madrid';

const SPAIN_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

const formatter = new Intl.DateTimeFormat('en-GB', {
	timeZone: ZONE,
	hourCycle: 'h23',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
});

interface WallClock {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

function spainWallClock(instant: Date): WallClock {
	const parts = Object.fromEntries(
		formatter.formatToParts(instant).map((part) => [part.type, Number(part.value)]),
	) as Record<string, number>;
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
	const c = spainWallClock(instant);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${c.year}-${pad(c.month)}-${pad(c.day)} ${pad(c.hour)}:${pad(c.minute)}`;
}

/**
 * The instant a Spain wall-clock time `YYYY-MM-DD HH:MM[:SS]` stands for, as an ISO string in UTC,
 * or `null` when the text is not such a date (or names a day that does not exist).
 */
export function spainDateTimeToIso(text: string): string | null {
	const match = SPAIN_DATE_TIME.exec(text.trim());
	if (!match) return null;
	const [year, month, day, hour, minute, second] = match.slice(1).map((v) => Number(v ?? 0));
	const wanted: WallClock = { year, month, day, hour, minute, second };
	const naive = asUtcMillis(wanted);
	const check = new Date(naive);
	if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
		return null;
	}
	// Spain is UTC+1 or UTC+2: find the offset at the guessed instant, then correct once more around DST changes.
	let instant = naive - (asUtcMillis(spainWallClock(new Date(naive))) - naive);
	instant = naive - (asUtcMillis(spainWallClock(new Date(instant))) - instant);
	return new Date(instant).toISOString();
}
