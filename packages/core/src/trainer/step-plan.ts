/**
 * A wall-clock budget turned into a step count, for schedules that decay to the end of the budget.
 * The rate is measured over the first steps of a session (after a few warm-up steps that pay for
 * kernel set-up), the plan is fixed once, written into every checkpoint, and a resumed run keeps
 * it: the learning rate of every step is then a function of the step alone, as under maxSteps.
 * A resume with another maxMinutes plans again from where it stands (the budget changed, so the
 * schedule must).
 */

export interface StepPlan {
  /** The step the schedule decays to, and where training stops. */
  steps: number;
  /** The budget (seconds) the plan was made for. */
  budgetSeconds: number;
  /** Where it was fixed, and the rate it measured (for the log and result.json). */
  fixedAtStep: number;
  stepsPerSecond: number;
}

/** Steps a session runs before it starts timing (first-step kernel set-up, allocator warm-up). */
export const PLAN_SKIP_STEPS = 10;
/** Steps a session times before it fixes the plan. */
export const PLAN_TIMED_STEPS = 50;
/**
 * Part of the remaining time the plan leaves unused: evaluations (a 10,000-image test set four
 * times an hour costs ~1% on two cores), checkpoints and machine noise. Running out of steps a
 * little early costs a few samples; running out of time before the decay ends costs the decay.
 */
export const PLAN_MARGIN = 0.04;

export interface PlanInputs {
  budgetSeconds: number;
  /** maxSteps when both budgets are set: the plan never exceeds it. */
  maxSteps: number | undefined;
  step: number;
  elapsedSeconds: number;
  /** Steps and seconds of the timed window. */
  timedSteps: number;
  timedSeconds: number;
}

export function makeStepPlan(inputs: PlanInputs): StepPlan {
  const stepsPerSecond = inputs.timedSteps / Math.max(inputs.timedSeconds, 1e-9);
  const remaining = Math.max(inputs.budgetSeconds - inputs.elapsedSeconds, 0);
  let steps = inputs.step + Math.max(Math.floor(remaining * stepsPerSecond * (1 - PLAN_MARGIN)), 1);
  if (inputs.maxSteps !== undefined) steps = Math.min(steps, inputs.maxSteps);
  return { steps, budgetSeconds: inputs.budgetSeconds, fixedAtStep: inputs.step, stepsPerSecond: Math.round(stepsPerSecond * 1000) / 1000 };
}

/**
 * When a session with no usable plan fixes one: after PLAN_SKIP_STEPS + PLAN_TIMED_STEPS steps, or
 * earlier on a budget so short that waiting would spend a tenth of it (tiny runs, smoke tests).
 */
export function planIsDue(sessionSteps: number, sessionSeconds: number, remainingSeconds: number): boolean {
  if (sessionSteps >= PLAN_SKIP_STEPS + PLAN_TIMED_STEPS) return true;
  return sessionSteps > PLAN_SKIP_STEPS && sessionSeconds >= 0.1 * remainingSeconds;
}
