import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Memory of a running process as Linux accounts it: resident now, and the high-water mark. */
export interface ProcMemory {
  rssBytes: number;
  peakRssBytes: number;
  /** The private part of RSS: heap, stacks, JIT code. */
  anonRssBytes: number;
  /** File pages mapped in, mostly the node binary: shared, and varying with the page cache. */
  fileRssBytes: number;
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`/proc status has no ${name}`);
  return Number(match[1]) * 1024;
}

/** VmRSS, VmHWM, RssAnon and RssFile of `pid`, from /proc (Linux only). */
export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    rssBytes: statusField(status, "VmRSS"),
    peakRssBytes: statusField(status, "VmHWM"),
    anonRssBytes: statusField(status, "RssAnon"),
    fileRssBytes: statusField(status, "RssFile"),
  };
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User plus system CPU time `pid` has used so far, in milliseconds (clock-tick resolution). */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks();
}
