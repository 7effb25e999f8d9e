import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { toolVersions } from './wrk';

export interface MachineFacts {
  node: string;
  cpuModel: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  wrk: string;
  nginx: string;
  /** 1-minute load average when the run started: other work on the box skews every number. */
  loadAverageAtStart: number;
}

export function machineFacts(): MachineFacts {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  let load = 0;
  try {
    load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    // not Linux
  }
  return {
    node: process.version,
    cpuModel,
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    ...toolVersions(),
    loadAverageAtStart: load,
  };
}
