/** The AssemblyScript compiler's flags for wasm/pass.ts. */
export declare const ASC_FLAGS: string[];
/** Compiles wasm/pass.ts now: the module's bytes. */
export declare function compilePass(): Promise<Buffer>;
/** The text of src/detect/wasm.generated.ts for a module. */
export declare function generated(binary: Buffer): string;
