/**
 * One rule for cut-off videos, wherever a video is decoded.
 *
 * A video is truncated when decoding reaches less than 90% of the duration its header declares
 * (the AVI `avih` header, else the container's): containers round their durations and the last
 * frame's own length is approximate, so 10% is slack, not loss. What happens then depends on use:
 * - training sources (one real video as the source) REFUSE it: every clip would come from a
 *   fraction of the video the user meant;
 * - evaluation sets (UCF-101) SKIP it, name it on stderr and list it in their report, so the
 *   accuracy is over complete videos and says how many were left out;
 * - `augprior predict` ANSWERS but marks the prediction truncated (a warning line, and in --json
 *   `truncated: {declaredSeconds, decodedSeconds}`), or refuses with --strict.
 */
import { AugpriorError } from '@augprior/core';

export const TRUNCATION_SLACK = 0.9;

export interface DurationFacts {
  declaredSeconds: number;
  decodedSeconds: number;
}

export function isTruncated({ declaredSeconds, decodedSeconds }: DurationFacts): boolean {
  return Number.isFinite(declaredSeconds) && Number.isFinite(decodedSeconds) && decodedSeconds < TRUNCATION_SLACK * declaredSeconds;
}

export function describeTruncation(file: string, facts: DurationFacts): string {
  return `${file} decodes to ${facts.decodedSeconds.toFixed(2)} s of the ${facts.declaredSeconds.toFixed(2)} s its header declares (truncated)`;
}

export function truncatedVideoError(file: string, facts: DurationFacts, hint = 'use a complete copy of the video'): AugpriorError {
  return new AugpriorError('data.truncated-video', describeTruncation(file, facts), hint);
}
