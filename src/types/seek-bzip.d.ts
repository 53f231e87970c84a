declare module 'seek-bzip' {
  interface OutputStream {
    writeByte(byte: number): void;
  }
  const Bunzip: {
    decode(input: Buffer, output: OutputStream, multistream?: boolean): unknown;
  };
  export default Bunzip;
}
