/** The AssemblyScript compiler's flags for wasm/runs.ts. */
export declare const ASC_FLAGS: string[];
/** Compiles wasm/runs.ts now: the module's bytes. */
export declare function compileRuns(): Promise<Buffer>;
/** The text of src/detect/wasm.generated.ts for a module. */
export declare function generated(binary: Buffer): string;
