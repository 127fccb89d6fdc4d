import type { ScanResult } from '../types.js';

export interface ReportOptions {
  color: boolean;
}

/**
 * Renders a result in one of the formats. Reporters are pure `(result) → string` and loaded on
 * demand, so a plain text scan never pays for the others.
 */
export async function renderReport(format: string, result: ScanResult, opts: ReportOptions): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).jsonReport(result);
    case 'text':
      return (await import('./text.js')).textReport(result, opts);
    default:
      throw new Error(`unknown format "${format}"`);
  }
}
