/**
 * CPU time of the processes a bench row runs on, from /proc (Linux): utime + stime of each process, which covers
 * all its threads (Node's GC and libuv threads, Redis's I/O threads), plus cutime + cstime, the CPU of children it
 * has reaped. A target is a process with all its descendants (n8n and the task runners it spawned; PostgreSQL's
 * postmaster and its backends, which each call setsid() and so leave the postmaster's process group) or one
 * process alone.
 *
 * Summed over the processes alive at each snapshot, the difference between two snapshots is what the tree used in
 * between: a descendant that exits is reaped by its parent, which adds its time to its own cutime/cstime (an
 * orphan reparented outside the tree would take its time with it; none of the processes here leaves orphans).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface CpuTarget {
	/** the name the figures are reported under: `main`, `webhook`, `worker-0`, `postgres`, … */
	role: string;
	pid: number;
	/** `tree`: the process and all its descendants; `process`: that process alone */
	scope: 'tree' | 'process';
}

/** role → CPU milliseconds used so far (user + system, own and reaped children) */
export type CpuSnapshot = Map<string, number>;

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of the times in /proc/<pid>/stat (100 on every common Linux). */
function clockTicks(): number {
	if (ticksPerSecond === undefined) {
		try {
			ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
		} catch {
			ticksPerSecond = 100;
		}
		if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
	}
	return ticksPerSecond;
}

interface ProcStat {
	pid: number;
	ppid: number;
	/** utime + stime + cutime + cstime, in clock ticks */
	ticks: number;
}

/** /proc/<pid>/stat, or undefined when the process is gone. */
function readStat(pid: number): ProcStat | undefined {
	let text: string;
	try {
		text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined;
	}
	// the command name (field 2) is in parentheses and may hold spaces: fields are counted after the last ')'
	const rest = text
		.slice(text.lastIndexOf(')') + 2)
		.trim()
		.split(' ');
	// rest[0] is field 3 (state): field n is rest[n - 3]
	const field = (n: number) => Number(rest[n - 3]);
	return { pid, ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) };
}

function allProcesses(): ProcStat[] {
	const out: ProcStat[] = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const stat = readStat(Number(name));
		if (stat) out.push(stat);
	}
	return out;
}

/** The pid and every descendant of it among `processes`. */
function tree(root: number, processes: ProcStat[]): ProcStat[] {
	const children = new Map<number, ProcStat[]>();
	for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
	const out = processes.filter((p) => p.pid === root);
	for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i].pid) ?? []));
	return out;
}

/** The CPU each target has used so far (a target whose processes are all gone counts 0). */
export function cpuSnapshot(targets: CpuTarget[]): CpuSnapshot {
	const msPerTick = 1000 / clockTicks();
	const processes = targets.some((t) => t.scope === 'tree') ? allProcesses() : [];
	const snapshot: CpuSnapshot = new Map();
	for (const target of targets) {
		const ticks =
			target.scope === 'tree'
				? tree(target.pid, processes).reduce((sum, p) => sum + p.ticks, 0)
				: (readStat(target.pid)?.ticks ?? 0);
		snapshot.set(target.role, ticks * msPerTick);
	}
	return snapshot;
}

/** CPU milliseconds each role used between two snapshots. */
export function cpuUsed(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
	const used: Record<string, number> = {};
	for (const [role, ms] of after) used[role] = Math.max(0, ms - (before.get(role) ?? 0));
	return used;
}

/** Adds per-role figures (e.g. the repetitions of one row). */
export function addCpu(
	total: Record<string, number>,
	more: Record<string, number>,
): Record<string, number> {
	const out = { ...total };
	for (const [role, ms] of Object.entries(more)) out[role] = (out[role] ?? 0) + ms;
	return out;
}

/** Runs `work` between two snapshots of the targets; returns its result and the CPU each role used meanwhile. */
export async function withCpu<T>(
	targets: CpuTarget[],
	work: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<string, number> }> {
	const before = cpuSnapshot(targets);
	const result = await work();
	return { result, cpuMs: cpuUsed(before, cpuSnapshot(targets)) };
}

/**
 * CPU milliseconds per 1,000 events for each role, over several runs: the CPU they used, summed, × 1,000 ÷ the
 * events they handled, summed. Null when no run handled an event or none was metered.
 */
export function cpuPerThousand(
	runs: Array<{ cpuMs?: Record<string, number>; events: number }>,
): Record<string, number> | null {
	const metered = runs.filter((r) => r.cpuMs && r.events > 0);
	const events = metered.reduce((sum, r) => sum + r.events, 0);
	if (events === 0) return null;
	const total = metered.reduce((sum, r) => addCpu(sum, r.cpuMs!), {} as Record<string, number>);
	return Object.fromEntries(
		Object.entries(total).map(([role, ms]) => [role, Math.round((ms * 1000) / events)]),
	);
}
