// Fargate's task sizes, as crates/core/src/fargate.rs knows them: the form offers only memory
// that goes with the chosen CPU (the backend checks again when the spec is saved).

/** The CPU sizes Fargate accepts, in units (1024 = 1 vCPU). */
export const CPU_OPTIONS: readonly number[] = [256, 512, 1024, 2048, 4096, 8192, 16384];

const gib = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let g = from; g <= to; g += step) out.push(g * 1024);
  return out;
};

/** The memory sizes (MiB) Fargate accepts with `cpu`; empty for a CPU size it does not know. */
export function memoryOptions(cpu: number): number[] {
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return gib(1, 4, 1);
    case 1024:
      return gib(2, 8, 1);
    case 2048:
      return gib(4, 16, 1);
    case 4096:
      return gib(8, 30, 1);
    case 8192:
      return gib(16, 60, 4);
    case 16384:
      return gib(32, 120, 8);
    default:
      return [];
  }
}

/** Whether Fargate runs a task of `cpu` units and `memory` MiB. */
export function validSize(cpu: number, memory: number): boolean {
  return memoryOptions(cpu).includes(memory);
}

/** The memory to keep after the CPU changes: the same when still valid, else the nearest valid size. */
export function fitMemory(cpu: number, memory: number): number {
  const options = memoryOptions(cpu);
  if (options.length === 0 || options.includes(memory)) return memory;
  return options.reduce((best, m) => (Math.abs(m - memory) < Math.abs(best - memory) ? m : best));
}

/** CPU units as vCPU: 256 → "0.25", 1024 → "1". */
export function vcpu(cpu: number): string {
  return String(cpu / 1024);
}

/** Memory in MiB as people read it: "512 MiB", "2 GiB". */
export function memoryLabel(memory: number): string {
  return memory < 1024 || memory % 1024 !== 0 ? `${memory} MiB` : `${memory / 1024} GiB`;
}
