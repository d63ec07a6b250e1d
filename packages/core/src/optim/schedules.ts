/**
 * Learning-rate schedules as pure functions of the (1-based) step, so a resumed run computes
 * exactly the rate the uninterrupted one would have.
 */
import { z } from 'zod';
import { Registry } from '../registry.js';

export interface ScheduleContext {
  baseLr: number;
  /** The run's step budget; required by schedules that decay towards an end. */
  totalSteps: number | undefined;
}

export type LrAt = (step: number) => number;

export interface ScheduleEntry<S extends z.ZodType = z.ZodType> {
  /** Parsed once by parseComponent; `create` receives the parsed arguments. */
  args: S;
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
const cosineArgs = z.strictObject({ ...warmup, minLr: z.number().min(0).default(0) });

export const schedules = Registry.from<ScheduleEntry>('schedule', [
  [
    'constant',
    defineSchedule({
      args: constantArgs,
      create({ warmupSteps }, { baseLr }) {
        return withWarmup(warmupSteps, baseLr, () => baseLr);
      },
    }),
  ],
  [
    'step',
    defineSchedule({
      args: stepArgs,
      create({ warmupSteps, milestones, gamma }, { baseLr }) {
        return withWarmup(warmupSteps, baseLr, (step) => baseLr * gamma ** milestones.filter((m) => step > m).length);
      },
    }),
  ],
  [
    'cosine',
    defineSchedule({
      args: cosineArgs,
      create({ warmupSteps, minLr }, { baseLr, totalSteps }) {
        if (totalSteps === undefined) throw new Error('the cosine schedule needs maxSteps (it decays to minLr at the last step)');
        const span = Math.max(totalSteps - warmupSteps, 1);
        return withWarmup(warmupSteps, baseLr, (step) => {
          const progress = Math.min(Math.max(step - warmupSteps, 0) / span, 1);
          return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
        });
      },
    }),
  ],
]);
