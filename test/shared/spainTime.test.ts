import {
	spainDateTimeToIso,
	toSpainDateTime,
	wallClockToDate,
} from '../../nodes/Lofirmo/shared/spainTime';

describe('Spain wall-clock time', () => {
	it.each([
		['2021-10-10 10:10', '2021-10-10T08:10:00.000Z'], // summer time, UTC+2
		['2021-12-10 10:10', '2021-12-10T09:10:00.000Z'], // winter time, UTC+1
		['2024-03-31 03:30', '2024-03-31T01:30:00.000Z'], // just after the spring change
		['2024-10-27 01:59', '2024-10-26T23:59:00.000Z'],
		['2021-09-04 19:37:21', '2021-09-04T17:37:21.000Z'],
	])('reads %s as %s', (spain, iso) => {
		expect(spainDateTimeToIso(spain)).toBe(iso);
		expect(toSpainDateTime(new Date(iso))).toBe(spain.slice(0, 16));
	});

	it.each([
		'',
		'2021-10-10',
		'2021-02-30 10:00',
		'2021-10-10 24:00',
		'yesterday',
		'10/10/2021 10:10',
	])('refuses %j', (text) => expect(spainDateTimeToIso(text)).toBeNull());

	it('reads a wall-clock time in any zone', () => {
		expect(wallClockToDate('2030-07-01T13:10:00', 'UTC')?.toISOString()).toBe(
			'2030-07-01T13:10:00.000Z',
		);
		expect(wallClockToDate('2030-01-15 09:00', 'America/New_York')?.toISOString()).toBe(
			'2030-01-15T14:00:00.000Z',
		);
		expect(wallClockToDate('2030-01-15', 'Europe/Madrid')?.toISOString()).toBe(
			'2030-01-14T23:00:00.000Z',
		);
	});
});
