// wav-decoder ships no types. Only what decode.ts relies on is declared; see its index.js for the
// rest (it reads format tags 0x0001 and 0x0003 only, and takes an ArrayBuffer, not a Uint8Array).
declare module 'wav-decoder' {
  interface DecodedWav {
    sampleRate: number;
    numberOfChannels: number;
    length: number;
    channelData: Float32Array[];
  }
  interface DecodeOptions {
    /** Divide integer samples by 2^(bits-1) for both signs (default: negatives by 2^(bits-1), positives by 2^(bits-1)-1). */
    symmetric?: boolean;
  }
  interface Decode {
    (buffer: ArrayBuffer, options?: DecodeOptions): Promise<DecodedWav>;
    sync(buffer: ArrayBuffer, options?: DecodeOptions): DecodedWav;
  }
  const wavDecoder: { decode: Decode };
  export = wavDecoder;
}
