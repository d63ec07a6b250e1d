/**
 * Learning-rate schedules as pure functions of the (1-based) step, so a resumed run computes
 * exactly the rate the uninterrupted one would have. Schedules that decay to the end of the budget
 * (`decaysToBudget`) get their step count from `maxSteps`, or, under a wall-clock budget, from the
 * trainer's step plan (trainer/step-plan.ts), fixed early and stored in every checkpoint. Until a
 * plan is fixed they run with `totalSteps = Infinity`: warm-up, then the peak rate.
 */
import { z } from 'zod';
import { Registry } from '../registry.js';

export interface ScheduleContext {
  baseLr: number;
  /** The run's step budget (Infinity while a wall-clock plan is not fixed yet); required by schedules that decay towards an end. */
  totalSteps: number | undefined;
}

export type LrAt = (step: number) => number;

export interface ScheduleEntry<S extends z.ZodType = z.ZodType> {
  /** Parsed once by parseComponent; `create` receives the parsed arguments. */
  args: S;
  /** True when the rate depends on the budget's step count (the trainer then plans one under maxMinutes). */
  decaysToBudget: boolean;
  create(args: z.output<S>, context: ScheduleContext): LrAt;
}

const defineSchedule = <S extends z.ZodType>(entry: ScheduleEntry<S>): ScheduleEntry<S> => entry;

const warmup = { warmupSteps: z.number().int().min(0).default(0) };

/** Linear warm-up from base/warmup to base over the first `warmupSteps` steps. */
function withWarmup(warmupSteps: number, baseLr: number, after: LrAt): LrAt {
  return (step) => (step <= warmupSteps ? (baseLr * step) / warmupSteps : after(step));
}

const constantArgs = z.strictObject({ ...warmup });
const stepArgs = z.strictObject({ ...warmup, milestones: z.array(z.number().int().positive()).default([]), gamma: z.number().positive().default(0.1) });
const decayArgs = z.strictObject({ ...warmup, minLr: z.number().min(0).default(0) });

/** Progress in [0, 1] through the decay that follows warm-up (0 while the budget is still unknown). */
function decayProgress(step: number, warmupSteps: number, totalSteps: number): number {
  if (!Number.isFinite(totalSteps)) return 0;
  return Math.min(Math.max(step - warmupSteps, 0) / Math.max(totalSteps - warmupSteps, 1), 1);
}

/** Warm-up, then from the peak to minLr at the budget's last step along `shape` (1 at progress 0, 0 at 1). */
function decayToBudget(kind: string, shape: (progress: number) => number): ScheduleEntry<typeof decayArgs> {
  return defineSchedule({
    args: decayArgs,
    decaysToBudget: true,
    create({ warmupSteps, minLr }, { baseLr, totalSteps }) {
      if (totalSteps === undefined) throw new Error(`the ${kind} schedule needs a budget (maxSteps, or maxMinutes for a planned step count): it decays to minLr at the last step`);
      return withWarmup(warmupSteps, baseLr, (step) => minLr + (baseLr - minLr) * shape(decayProgress(step, warmupSteps, totalSteps)));
    },
  });
}

export const schedules = Registry.from<ScheduleEntry>('schedule', [
  [
    'constant',
    defineSchedule({
      args: constantArgs,
      decaysToBudget: false,
      create({ warmupSteps }, { baseLr }) {
        return withWarmup(warmupSteps, baseLr, () => baseLr);
      },
    }),
  ],
  [
    'step',
    defineSchedule({
      args: stepArgs,
      decaysToBudget: false,
      create({ warmupSteps, milestones, gamma }, { baseLr }) {
        return withWarmup(warmupSteps, baseLr, (step) => baseLr * gamma ** milestones.filter((m) => step > m).length);
      },
    }),
  ],
  ['cosine', decayToBudget('cosine', (progress) => 0.5 * (1 + Math.cos(Math.PI * progress)))],
  // With a long warm-up, the one-cycle / triangular schedule of fast CIFAR training.
  ['linear', decayToBudget('linear', (progress) => 1 - progress)],
]);
