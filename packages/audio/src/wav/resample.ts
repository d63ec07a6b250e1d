/**
 * Sample-rate conversion through libsamplerate (its WebAssembly/JS port, libsamplerate-js).
 *
 * Each call converts its clip independently: libsamplerate-js's `simple()` runs `src_simple`, which
 * builds and frees its own filter state per call, so nothing from one clip leaks into the next.
 * That makes it correct to keep one converter per (rates, type) and reuse it; creating one
 * instantiates a fresh ~26 MB module, which is the cost the cache avoids.
 */
import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { AugpriorError } from '@augprior/core';
import { resampleInBlocks } from './blocks.js';

export type ResampleConverter = 'sinc-best' | 'sinc-medium' | 'sinc-fastest' | 'zero-order-hold' | 'linear';

export interface ResampleOptions {
  /** libsamplerate converter; default 'sinc-best' (SRC_SINC_BEST_QUALITY). */
  converter?: ResampleConverter;
  /** What is being resampled (a file name), for error messages. */
  source?: string;
}

type ConverterTypeValue = (typeof libsamplerate.ConverterType)[keyof typeof libsamplerate.ConverterType];
type Converter = Awaited<ReturnType<typeof libsamplerate.create>>;

const CONVERTER_TYPES: Record<ResampleConverter, ConverterTypeValue> = {
  'sinc-best': libsamplerate.ConverterType.SRC_SINC_BEST_QUALITY,
  'sinc-medium': libsamplerate.ConverterType.SRC_SINC_MEDIUM_QUALITY,
  'sinc-fastest': libsamplerate.ConverterType.SRC_SINC_FASTEST,
  'zero-order-hold': libsamplerate.ConverterType.SRC_ZERO_ORDER_HOLD,
  linear: libsamplerate.ConverterType.SRC_LINEAR,
};

/** libsamplerate-js's transfer buffer size: the most samples, in or out, that one call may hold. */
const MAX_CALL = 1_008_000;
/** libsamplerate-js refuses rates above this; libsamplerate itself refuses ratios beyond 256. */
const MAX_RATE = 192_000;
const MAX_RATIO = 256;
/**
 * Input samples on each side of a block edge that the filter may reach, at ratio >= 1 (scaled by
 * 1/ratio when downsampling). SRC_SINC_BEST_QUALITY reaches about 143; the others less.
 */
const FILTER_REACH = 256;

const converters = new Map<string, Promise<Converter>>();

function checkRates(fromRate: number, toRate: number, source: string): void {
  const bad = [fromRate, toRate].find((r) => !Number.isInteger(r) || r < 1 || r > MAX_RATE);
  const ratio = toRate / fromRate;
  if (bad !== undefined || ratio > MAX_RATIO || ratio < 1 / MAX_RATIO) {
    throw new AugpriorError(
      'resample.bad-rate',
      `cannot resample ${source} from ${fromRate} Hz to ${toRate} Hz: ${bad !== undefined ? `${bad} Hz is not a whole number of Hz between 1 and ${MAX_RATE}` : `the ratio is beyond libsamplerate's 1:${MAX_RATIO} limit`}`,
      'use a sample rate between 1 and 192000 Hz within a factor 256 of the source; convert extreme files with sox or ffmpeg first',
    );
  }
}

function converterFor(fromRate: number, toRate: number, type: ResampleConverter): Promise<Converter> {
  const key = `${fromRate}>${toRate}:${type}`;
  let converter = converters.get(key);
  if (!converter) {
    // create() throws plain strings; they are turned into a named error, and a failed create is not cached.
    converter = libsamplerate.create(1, fromRate, toRate, { converterType: CONVERTER_TYPES[type] }).catch((error: unknown) => {
      converters.delete(key);
      throw new AugpriorError('resample.failed', `libsamplerate could not create a ${type} converter from ${fromRate} Hz to ${toRate} Hz: ${String(error)}`);
    });
    converters.set(key, converter);
  }
  return converter;
}

/**
 * Resamples one mono clip from `fromRate` to `toRate` (whole Hz). Equal rates return a copy. The
 * output has about samples.length * toRate / fromRate samples (libsamplerate rounds down).
 */
export async function resampleTo(samples: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Promise<Float32Array> {
  const source = options.source ?? 'audio';
  checkRates(fromRate, toRate, source);
  const type = options.converter ?? 'sinc-best';
  if (!Object.hasOwn(CONVERTER_TYPES, type)) {
    throw new AugpriorError('resample.bad-converter', `unknown resampling converter '${type}' for ${source}`, `use one of ${Object.keys(CONVERTER_TYPES).join(', ')}`);
  }
  if (fromRate === toRate) return samples.slice();
  if (samples.length === 0) return new Float32Array(0);
  const converter = await converterFor(fromRate, toRate, type);
  const ratio = toRate / fromRate;
  const convert = (block: Float32Array): Float32Array => {
    const out = converter.simple(block);
    // libsamplerate-js returns libsamplerate's error codes (small positive ints) as if they were
    // output frame counts, so a failure can only be told from the length.
    if (Math.abs(out.length - block.length * ratio) > 2) {
      throw new AugpriorError('resample.failed', `libsamplerate turned ${block.length} samples of ${source} at ${fromRate} Hz into ${out.length} at ${toRate} Hz, expected about ${Math.floor(block.length * ratio)}`);
    }
    return out;
  };
  if (Math.max(samples.length, Math.ceil(samples.length * ratio)) <= MAX_CALL) return convert(samples);
  return resampleInBlocks(convert, samples, fromRate, toRate, MAX_CALL, Math.ceil(FILTER_REACH / Math.min(1, ratio)));
}

/** Drops the cached converters (each holds its own module memory); later calls create new ones. */
export function releaseResamplers(): void {
  for (const converter of converters.values()) converter.then((c) => c.destroy(), () => undefined);
  converters.clear();
}
